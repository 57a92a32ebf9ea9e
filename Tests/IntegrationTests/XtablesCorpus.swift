import Foundation
import NetCore

/// The xt corpus in Tests/Fixtures/xt: iptables `extensions/*.t` shaped files, one per extension.
struct XtablesCorpus {
    struct Case: Sendable {
        var file: String
        var table: String
        var chain: String
        var rule: String
        /// What iptables-save prints after `-A CHAIN `.
        var expected: String
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/xt")

    static let builtinChains = ["filter": ["INPUT", "FORWARD", "OUTPUT"],
                                "nat": ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
                                "mangle": ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
                                "raw": ["PREROUTING", "OUTPUT"]]

    /// The corpus files that apply to a family (`libxt_` both, `libipt_` IPv4, `libip6t_` IPv6).
    static func files(for family: IPFamily) throws -> [URL] {
        let prefix = family == .ipv4 ? "libipt_" : "libip6t_"
        return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "t" }
            .filter { $0.lastPathComponent.hasPrefix("libxt_") || $0.lastPathComponent.hasPrefix(prefix) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// The `OK` cases of one file; each rule goes to the first of its chains that exists in its table.
    static func cases(in file: URL) throws -> [Case] {
        var chains = ["INPUT"], table = "filter", cases: [Case] = []
        for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map(String.init) {
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix(":") { chains = line.dropFirst().split(separator: ",").map(String.init); continue }
            if line.hasPrefix("*") { table = String(line.dropFirst()); continue }
            let fields = line.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 3, fields[fields.count - 1] == "OK" else { continue }
            let rule = fields[0..<(fields.count - 2)].joined(separator: ";")
            let expected = fields[fields.count - 2] == "=" ? rule : fields[fields.count - 2]
            let chain = chains.first { builtinChains[table]?.contains($0) ?? false } ?? chains[0]
            cases.append(Case(file: file.lastPathComponent, table: table, chain: chain, rule: rule,
                              expected: expected))
        }
        return cases
    }

    /// An `iptables-restore` script appending every case to its chain, table by table.
    static func restoreScript(_ cases: [Case]) -> String {
        var tables: [String] = []
        for item in cases where !tables.contains(item.table) { tables.append(item.table) }
        return tables.map { table in
            "*\(table)\n" + cases.filter { $0.table == table }.map { "-A \($0.chain) \($0.rule)\n" }.joined()
                + "COMMIT\n"
        }.joined()
    }

    /// `iptables-save` output as rule lines by table and chain, in order.
    static func saveLines(_ output: String) -> [String: [String]] {
        var table = "", lines: [String: [String]] = [:]
        for line in output.split(separator: "\n").map(String.init) {
            if line.hasPrefix("*") { table = String(line.dropFirst()) }
            if line.hasPrefix("-A ") {
                let chain = line.split(separator: " ")[1]
                lines["\(table)/\(chain)", default: []].append(line)
            }
        }
        return lines
    }
}

/// Whether `fragments` occur in `line` in order, each on word boundaries.
func containsInOrder(_ line: String, _ fragments: [String]) -> Bool {
    var rest = Substring(" " + line + " ")
    for fragment in fragments {
        guard let range = rest.range(of: " " + fragment + " ") else { return false }
        rest = rest[rest.index(before: range.upperBound)...]
    }
    return true
}
