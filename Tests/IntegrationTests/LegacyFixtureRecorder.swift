import Foundation
import Legacy
import NetCore
import NetNS
import Testing
import TestLab

/// Records kernel entry blobs for the LegacyTests golden tests (which run without root): each corpus
/// shape is loaded with iptables-legacy-restore, read raw by nfscope's reader and written to
/// Tests/Fixtures/legacy with the save tool's output for that table. Runs only when asked:
/// `NFSCOPE_RECORD_FIXTURES=1 swift test --filter LegacyFixtureRecorder`.
@Suite("record legacy fixtures", .serialized,
       .enabled(if: Shell.isRoot && ProcessInfo.processInfo.environment["NFSCOPE_RECORD_FIXTURES"] == "1",
                "set NFSCOPE_RECORD_FIXTURES=1 (root) to re-record"))
struct LegacyFixtureRecorder {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/legacy")

    @Test("record", arguments: LegacyCorpus.shapes)
    func record(_ corpus: LegacyCase) throws {
        let family: IPFamily = corpus.ipv6 ? .ipv6 : .ipv4
        let tool = corpus.ipv6 ? "ip6tables-legacy-save" : "iptables-legacy-save"
        try withLab { lab in
            let ns = try lab.namespace("lg-rec")
            try ns.loadIptables(corpus.rules, ipv6: corpus.ipv6, legacy: true)
            let kernel = try ns.exec(["uname", "-r"]).trimmingCharacters(in: .whitespacesAndNewlines)
            let raw = try LegacyReader.rawTables(in: try NamespaceHandle(name: ns.name), family: family)
            for table in raw {
                let saved = try ns.exec([tool, "-t", table.info.name])
                let slug = corpus.name.lowercased().filter { $0.isLetter || $0.isNumber || $0 == " " }
                    .split(separator: " ").joined(separator: "-")
                let file = Self.directory.appendingPathComponent("\(slug)-\(family.rawValue)-\(table.info.name).txt")
                try Self.text(table, family: family, corpus: corpus.name, kernel: kernel, saved: saved)
                    .write(to: file, atomically: true, encoding: .utf8)
            }
        }
    }

    static func text(_ table: LegacyReader.RawTable, family: IPFamily, corpus: String, kernel: String,
                     saved: String) -> String {
        let info = table.info
        var text = "# \(corpus): loaded with \(family == .ipv4 ? "iptables" : "ip6tables")-legacy-restore, read by "
            + "LegacyReader.rawTables, kernel \(kernel), iptables v1.8.9 (legacy)\n"
        text += "family \(family.rawValue)\nname \(info.name)\nvalid_hooks \(info.validHooks)\n"
        text += "hook_entry \(info.hookEntry.map(String.init).joined(separator: ","))\n"
        text += "underflow \(info.underflow.map(String.init).joined(separator: ","))\n"
        text += "num_entries \(info.entryCount)\nsize \(info.size)\n"
        for start in stride(from: 0, to: table.entries.count, by: 32) {
            let line = table.entries[start..<min(start + 32, table.entries.count)]
            text += "hex " + line.map { String(format: "%02x", $0) }.joined() + "\n"
        }
        for line in saved.split(separator: "\n") where !line.hasPrefix("#") { text += "save \(line)\n" }
        return text
    }
}
