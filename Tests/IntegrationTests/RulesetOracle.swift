import Foundation
import NetNS
import Netlink
import NFTables
import Render
import NFScope
import TestLab

/// Reads a lab namespace's ruleset through nfscope and through the oracle tools, normalised for diffing.
enum RulesetOracle {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/ruleset")

    static func fixture(_ name: String) throws -> String {
        try String(contentsOf: fixtures.appendingPathComponent(name), encoding: .utf8)
    }

    /// nfscope's nft rendering of the namespace, streamed chain by chain; the parallel read (the CLI's)
    /// must give the same text, or this throws.
    /// Loads an iptables-restore fixture, after running its `# setup:` lines (the ipsets it names).
    static func loadIptablesFixture(_ name: String, into namespace: LabNamespace, family: NFTFamily = .ip) throws {
        let rules = try fixture(name)
        for line in rules.split(separator: "\n") where line.hasPrefix("# setup: ") {
            try namespace.exec(line.dropFirst("# setup: ".count).split(separator: " ").map(String.init))
        }
        try namespace.loadIptables(rules, ipv6: family == .ip6)
    }

    static func nftRendering(_ namespace: LabNamespace, filter: RulesetFilter = RulesetFilter(),
                             chainsOnly: Bool = false) throws -> String {
        let sequential = try sequentialNftRendering(namespace, filter: filter, chainsOnly: chainsOnly)
        let parallel = try parallelNftRendering(namespace, filter: filter, chainsOnly: chainsOnly)
        guard parallel == sequential else { throw ParallelReadMismatch(details: diff(sequential, parallel)) }
        return sequential
    }

    /// The nft rendering read over three connections with a two-chain window, so that chains arrive out of
    /// order and threads wait for the writer.
    static func parallelNftRendering(_ namespace: LabNamespace, filter: RulesetFilter = RulesetFilter(),
                                     chainsOnly: Bool = false) throws -> String {
        let session = try RulesetSource.session(for: .spec(namespace.name), readingLegacy: false, parallelReaders: 3)
        var text = ""
        var writer: NFTRulesetWriter?
        try session.reader.stream(filter, on: session.readConnections, window: 2, structure: { structure in
            let made = NFTRulesetWriter(structure: structure, namespace: namespace.name, chainsOnly: chainsOnly) { text += $0 }
            writer = made
            let renderer = made.renderer
            return ChainWork(initial: "") { _, rules, part in part += renderer.rulesText(rules) }
        }, chain: { chain, part in
            writer?.write(chain: chain, renderedRules: part)
        }, restart: { _ in text = "" })
        writer?.finish()
        return text
    }

    static func sequentialNftRendering(_ namespace: LabNamespace, filter: RulesetFilter = RulesetFilter(),
                                       chainsOnly: Bool = false) throws -> String {
        let handle = try NamespaceHandle(name: namespace.name)
        let reader = RulesetReader(connection: try handle.connection(.netfilter))
        var text = ""
        var writer: NFTRulesetWriter?
        try reader.stream(filter) { event in
            switch event {
            case .structure(let structure):
                writer = NFTRulesetWriter(structure: structure, namespace: namespace.name, chainsOnly: chainsOnly) { text += $0 }
            case .rules(let chain, let rules): writer?.write(chain: chain, rules: rules)
            case .restart: text = ""
            }
        }
        writer?.finish()
        return text
    }

    /// `nft list ruleset` with counters zeroed and the iptables-nft warnings dropped.
    static func nftOracle(_ namespace: LabNamespace, arguments: [String] = ["list", "ruleset"]) throws -> String {
        normaliseNft(try namespace.exec(["nft"] + arguments))
    }

    static func normaliseNft(_ text: String) -> String {
        let counter = try! NSRegularExpression(pattern: "counter packets [0-9]+ bytes [0-9]+")
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("# Warning:") }
            .map { line in
                let string = String(line)
                return counter.stringByReplacingMatches(in: string, range: NSRange(string.startIndex..., in: string),
                                                        withTemplate: "counter packets 0 bytes 0")
            }
            .joined(separator: "\n")
    }

    /// A line diff for failure messages: the first lines that differ, with context.
    static func diff(_ expected: String, _ actual: String) -> String {
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let b = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var lines: [String] = []
        for index in 0..<max(a.count, b.count) {
            let left = index < a.count ? String(a[index]) : "<none>"
            let right = index < b.count ? String(b[index]) : "<none>"
            if left != right {
                lines.append("line \(index + 1):\n  oracle : \(left)\n  nfscope: \(right)")
                if lines.count >= 14 { break }
            }
        }
        return lines.joined(separator: "\n")
    }
}

extension RulesetOracle {
    /// nfscope's iptables-save rendering of one family (`.ip` or `.ip6`), streamed in iptables' chain order;
    /// the parallel read (the CLI's) must give the same text, or this throws.
    static func iptablesRendering(_ namespace: LabNamespace, family: NFTFamily = .ip) throws -> String {
        let sequential = try sequentialIptablesRendering(namespace, family: family)
        let parallel = try parallelIptablesRendering(namespace, family: family)
        guard parallel == sequential else { throw ParallelReadMismatch(details: diff(sequential, parallel)) }
        return sequential
    }

    /// The iptables rendering read over three connections with a two-chain window.
    static func parallelIptablesRendering(_ namespace: LabNamespace, family: NFTFamily = .ip) throws -> String {
        let session = try RulesetSource.session(for: .spec(namespace.name), readingLegacy: false, parallelReaders: 3)
        var text = ""
        var writer: IptablesSaveWriter?
        try session.reader.stream(RulesetFilter(family: family),
                                  order: { IptablesSaveWriter.chainOrderIndices($0, family: family) },
                                  on: session.readConnections, window: 2, structure: { structure in
            let made = IptablesSaveWriter(structure: structure, family: family, namespace: namespace.name,
                                          ipsetName: session.ipsetName) { text += $0 }
            writer = made
            return IptablesSaveWriter.chainWork([family: made])
        }, chain: { chain, part in
            writer?.write(chain: chain, renderedBytes: part)
        }, restart: { _ in text = "" })
        writer?.finish()
        return text
    }

    static func sequentialIptablesRendering(_ namespace: LabNamespace, family: NFTFamily = .ip) throws -> String {
        let session = try RulesetSource.session(for: .spec(namespace.name))
        let reader = session.reader
        var text = ""
        var writer: IptablesSaveWriter?
        try reader.stream(RulesetFilter(family: family),
                          order: { IptablesSaveWriter.chainOrderIndices($0, family: family) }) { event in
            switch event {
            case .structure(let structure):
                writer = IptablesSaveWriter(structure: structure, family: family, namespace: namespace.name,
                                            ipsetName: session.ipsetName) { text += $0 }
            case .rules(let chain, let rules): writer?.write(chain: chain, rules: rules)
            case .restart: text = ""
            }
        }
        writer?.finish()
        return text
    }

    /// `iptables-nft-save` (or ip6tables) output.
    static func iptablesOracle(_ namespace: LabNamespace, family: NFTFamily = .ip) throws -> String {
        try namespace.exec([family == .ip6 ? "ip6tables-nft-save" : "iptables-nft-save"])
    }

    /// Drops header comments and zeroes chain counters; keeps `# nfscope:` notes so that they show in diffs.
    static func normaliseIptables(_ text: String) -> String {
        let counters = try! NSRegularExpression(pattern: "\\[[0-9]+:[0-9]+\\]$")
        return text.split(separator: "\n")
            .filter { !$0.hasPrefix("#") || $0.hasPrefix("# nfscope:") }
            .map { line in
                let string = String(line)
                return counters.stringByReplacingMatches(in: string, range: NSRange(string.startIndex..., in: string),
                                                         withTemplate: "[0:0]")
            }
            .joined(separator: "\n")
    }
}

extension RulesetOracle {
    struct LineDifference: CustomStringConvertible {
        var line: Int
        var expected: String
        var actual: String
        var description: String { "line \(line):\n  oracle : \(expected)\n  nfscope: \(actual)" }
    }

    /// Line-by-line differences (the outputs have the same line structure when they agree).
    static func differingLines(_ expected: String, _ actual: String) -> [LineDifference] {
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = actual.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return (0..<max(a.count, b.count)).compactMap { index in
            let left = index < a.count ? a[index] : "<none>"
            let right = index < b.count ? b[index] : "<none>"
            return left == right ? nil : LineDifference(line: index + 1, expected: left, actual: right)
        }
    }

    /// The `-m NAME` / `-j NAME` extensions printed raw in these lines.
    static func rawExtensions(_ lines: [String]) -> String {
        var names = Set<String>()
        for line in lines {
            let words = line.split(separator: " ").map(String.init)
            for (index, word) in words.enumerated() where word == "/*" && index >= 1 && words[index + 1] == "nfscope:" {
                names.insert(words[index - 1] + " rev " + (index + 4 < words.count ? words[index + 4].trimmingCharacters(in: .punctuationCharacters) : "?"))
            }
        }
        return names.sorted().joined(separator: ", ")
    }
}

/// The parallel read rendered a ruleset differently from the sequential one.
struct ParallelReadMismatch: Error, CustomStringConvertible {
    var details: String
    var description: String { "the parallel read differs from the sequential one:\n\(details)" }
}
