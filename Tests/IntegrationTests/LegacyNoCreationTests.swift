import Foundation
import Legacy
import NetCore
import NetNS
import Testing
import TestLab

@Suite("iptables-legacy reading never creates tables", .serialized,
       .enabled(if: Shell.isRoot, "needs root: throwaway namespaces"))
struct LegacyNoCreationTests {
    /// Both names files as the namespace shows them (`nil` when a file does not exist).
    private func names(_ ns: LabNamespace) throws -> [String?] {
        try ["ip_tables_names", "ip6_tables_names"].map { file in
            let text = try ns.exec(["sh", "-c", "cat /proc/net/\(file) 2>/dev/null || echo MISSING"])
            return text.contains("MISSING") ? nil : text
        }
    }

    @Test("a namespace with only nat keeps only nat after nfscope reads both families and the backends")
    func onlyNat() throws {
        try withLab { lab in
            let ns = try lab.namespace("lg-nat")
            try ns.loadIptables("*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
                                + ":POSTROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp -j REDIRECT --to-ports 8080\nCOMMIT\n",
                                legacy: true)
            let before = try names(ns)
            #expect(before[0]?.split(separator: "\n") == ["nat"])
            let handle = try NamespaceHandle(name: ns.name)
            let v4 = try LegacyReader.tables(in: handle, family: .ipv4)
            let v6 = try LegacyReader.tables(in: handle, family: .ipv6)
            _ = try BackendReport.read(in: handle)
            #expect(v4.map(\.name) == ["nat"])
            #expect(v6.isEmpty)
            #expect(try names(ns) == before)
        }
    }

    @Test("a namespace without legacy tables stays without any")
    func noTables() throws {
        try withLab { lab in
            let ns = try lab.namespace("lg-none")
            let before = try names(ns)
            #expect(before.allSatisfy { ($0 ?? "").isEmpty })
            let handle = try NamespaceHandle(name: ns.name)
            #expect(try LegacyReader.tables(in: handle, family: .ipv4).isEmpty)
            #expect(try LegacyReader.tables(in: handle, family: .ipv6).isEmpty)
            let result = try NfscopeCLI.run(["legacy", "save", "--netns", ns.name])
            #expect(result.status == 0)
            #expect(result.output.isEmpty)
            _ = try BackendReport.read(in: handle)
            #expect(try names(ns) == before)
        }
    }
}
