import Foundation
import NetCore
import NetNS
import Netlink
import TestLab
import Testing
import Xtables

/// Differential tests of the xt decoders against the kernel and iptables-nft-save 1.8.9: every corpus rule is
/// loaded with iptables-nft-restore into a throwaway namespace, read back over netlink (parsed by libnftnl),
/// decoded with Xtables, and each rendering must appear, in order and on word boundaries, in the line
/// iptables-nft-save prints for that rule; a compat target must end the line.
@Suite("xt decoders against iptables-nft-save", .serialized,
       .enabled(if: Shell.isRoot, "needs root: creates network namespaces"))
struct XtablesDifferentialTests {
    @Test("IPv4 corpus", arguments: try XtablesCorpus.files(for: .ipv4))
    func ipv4(_ file: URL) throws { try check(file, family: .ipv4) }

    @Test("IPv6 corpus", arguments: try XtablesCorpus.files(for: .ipv6))
    func ipv6(_ file: URL) throws { try check(file, family: .ipv6) }

    @Test("IPv4 corpus through iptables-legacy", arguments: try XtablesCorpus.files(for: .ipv4))
    func ipv4Legacy(_ file: URL) throws { try checkLegacy(file, family: .ipv4) }

    @Test("IPv6 corpus through ip6tables-legacy", arguments: try XtablesCorpus.files(for: .ipv6))
    func ipv6Legacy(_ file: URL) throws { try checkLegacy(file, family: .ipv6) }

    /// The same corpus through iptables-legacy: x_tables entries read with getsockopt, compared with
    /// iptables-legacy-save (which prints this corpus exactly as iptables-nft-save does). Here mark, limit,
    /// tcp, udp, NFLOG and TRACE stay xt blobs, which iptables-nft turns into native expressions.
    func checkLegacy(_ file: URL, family: IPFamily) throws {
        let cases = try XtablesCorpus.cases(in: file)
        try #require(!cases.isEmpty)
        let tool = family == .ipv4 ? "iptables" : "ip6tables"
        try withLab { lab in
            let namespace = try lab.namespace("xl")
            let usesSets = file.lastPathComponent.lowercased() == "libxt_set.t"
            if usesSets { try createSets(namespace, family: family) }
            try namespace.loadIptables(XtablesCorpus.restoreScript(cases), ipv6: family == .ipv6, legacy: true)
            let saved = XtablesCorpus.saveLines(try namespace.exec(["\(tool)-legacy-save"]))
            let setNames = usesSets ? try ipsetNames(namespace) : [:]
            let handle = try NamespaceHandle(name: namespace.name)
            var position: [String: Int] = [:]
            for table in Set(cases.map(\.table)).sorted() {
                let rules = try NetNS.run(in: handle) { try XtablesLegacyReader.rules(table: table, family: family) }
                for rule in rules {
                    let key = "\(table)/\(rule.chain)"
                    let index = position[key, default: 0]
                    position[key] = index + 1
                    let line = try #require(saved[key]?[safe: index], "no saved line for rule \(index) of \(key)")
                    let item = try #require(cases.filter { $0.table == table && $0.chain == rule.chain }[safe: index])
                    #expect(line == "-A \(item.chain) \(item.expected)", "corpus \(item.file) disagrees with legacy")
                    try compare(CompatRule(table: table, chain: rule.chain, extensions: rule.extensions), line: line,
                                family: family, setNames: setNames, file: file.lastPathComponent, record: "legacy")
                }
            }
            #expect(position.values.reduce(0, +) == cases.count)
        }
    }

    func check(_ file: URL, family: IPFamily) throws {
        let cases = try XtablesCorpus.cases(in: file)
        try #require(!cases.isEmpty)
        let tool = family == .ipv4 ? "iptables" : "ip6tables"
        try withLab { lab in
            let namespace = try lab.namespace("xt")
            let usesSets = file.lastPathComponent.lowercased() == "libxt_set.t"
            if usesSets { try createSets(namespace, family: family) }
            try namespace.loadIptables(XtablesCorpus.restoreScript(cases), ipv6: family == .ipv6)
            let saved = XtablesCorpus.saveLines(try namespace.exec(["\(tool)-nft-save"]))
            let rules = try readRules(namespace, family: family)
            let setNames = usesSets ? try ipsetNames(namespace) : [:]
            var position: [String: Int] = [:]
            for item in cases {
                let key = "\(item.table)/\(item.chain)"
                let index = position[key, default: 0]
                position[key] = index + 1
                let line = try #require(saved[key]?[safe: index], "no saved line for \(item.rule)")
                #expect(line == "-A \(item.chain) \(item.expected)", "corpus \(item.file) disagrees with the tool")
                let rule = try #require(rules[key]?[safe: index], "no kernel rule for \(item.rule)")
                try compare(rule, line: line, family: family, setNames: setNames, file: item.file, record: "nft")
            }
        }
    }

    func compare(_ rule: CompatRule, line: String, family: IPFamily, setNames: [UInt16: String],
                 file: String, record source: String) throws {
        var fragments: [String] = []
        for (isTarget, ext) in rule.extensions {
            let arguments: [String]
            if isTarget {
                let target = try XtTarget.decode(ext, family: family)
                if case .raw = target { Issue.record("\(ext.name) rev \(ext.revision) stayed raw") }
                arguments = target.iptablesArguments(family: family, ipsetNames: setNames)
                #expect(line.hasSuffix(" " + arguments.joined(separator: " ")), "target must end \(line)")
            } else {
                let match = try XtMatch.decode(ext, family: family)
                if case .raw = match { Issue.record("\(ext.name) rev \(ext.revision) stayed raw") }
                arguments = match.iptablesArguments(family: family, ipsetNames: setNames)
            }
            fragments.append(arguments.joined(separator: " "))
        }
        #expect(containsInOrder(line, fragments), "\(fragments) not in \(line)")
        KernelBlobRecorder.record(source: source, family: family, line: line, rule: rule)
    }

    func readRules(_ namespace: LabNamespace, family: IPFamily) throws -> [String: [CompatRule]] {
        let handle = try NamespaceHandle(name: namespace.name)
        let connection = try handle.connection(.netfilter)
        var rules: [String: [CompatRule]] = [:]
        try connection.dump(XtablesRuleReader.request(family: family.addressFamily),
                            operation: .dump("rules")) { message in
            guard let rule = XtablesRuleReader.rule(from: message) else { return }
            rules["\(rule.table)/\(rule.chain)", default: []].append(rule)
        }
        return rules
    }

    func createSets(_ namespace: LabNamespace, family: IPFamily) throws {
        let inet = family == .ipv4 ? "inet" : "inet6"
        try namespace.exec(["ipset", "create", "nfs-a", "hash:ip", "family", inet, "counters"])
        try namespace.exec(["ipset", "create", "nfs-b", "hash:ip,port", "family", inet])
        try namespace.exec(["ipset", "create", "nfs-n", "hash:net", "family", inet, "skbinfo"])
    }

    /// Set names by index, asked of the kernel with IPSetNameQuery over getsockopt(SO_IP_SET) inside the
    /// namespace, and checked against `ipset list -n` (a fresh namespace numbers sets in creation order).
    func ipsetNames(_ namespace: LabNamespace) throws -> [UInt16: String] {
        let listed = try namespace.exec(["ipset", "list", "-n"]).split(separator: "\n").map(String.init)
        let handle = try NamespaceHandle(name: namespace.name)
        let asked = try NetNS.run(in: handle) { try IPSetSockopt.names(count: listed.count + 1) }
        #expect(asked.count == listed.count)
        for (index, name) in listed.enumerated() { #expect(asked[UInt16(index)] == name) }
        return asked
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

/// Writes the kernel's blobs to the file named by `XT_RECORD`, one rule a line:
/// `nft|legacy<TAB>family<TAB>saved line<TAB>m|t:name:revision:hex...`, for Tests/Fixtures/xt/kernel-blobs.txt.
enum KernelBlobRecorder {
    static func record(source: String, family: IPFamily, line: String, rule: CompatRule) {
        guard let path = ProcessInfo.processInfo.environment["XT_RECORD"], !rule.extensions.isEmpty else { return }
        let blobs = rule.extensions.map { item in
            let hex = item.ext.info.map { String(format: "%02x", $0) }.joined()
            return "\(item.isTarget ? "t" : "m"):\(item.ext.name):\(item.ext.revision):\(hex)"
        }
        let text = ([source, family.rawValue, line] + blobs).joined(separator: "\t") + "\n"
        guard let handle = FileHandle(forWritingAtPath: path) else {
            _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
            return
        }
        handle.seekToEndOfFile()
        handle.write(Data(text.utf8))
        handle.closeFile()
    }
}
