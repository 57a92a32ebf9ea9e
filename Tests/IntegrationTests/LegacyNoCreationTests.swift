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

    @Test("split backends: iptables-nft kube rules and an iptables-legacy REDIRECT both show, on a shared hook")
    func splitBackends() throws {
        try withLab { lab in
            let ns = try lab.namespace("lg-split")
            try ns.loadIptables("""
                *nat
                :PREROUTING ACCEPT [0:0]
                :INPUT ACCEPT [0:0]
                :OUTPUT ACCEPT [0:0]
                :POSTROUTING ACCEPT [0:0]
                :KUBE-SERVICES - [0:0]
                -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
                -A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -j DNAT --to-destination 10.42.0.5:80
                COMMIT

                """)
            try ns.loadIptables("*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
                                + ":POSTROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 8080\nCOMMIT\n",
                                legacy: true)
            let report = try BackendReport.read(in: try NamespaceHandle(name: ns.name))
            #expect(report.isSplit)
            let legacy = report.chains.filter { $0.backend == .legacy && $0.ruleCount > 0 }
            #expect(legacy.map { "\($0.family) \($0.table) \($0.chain) \($0.ruleCount)" } == ["ip nat PREROUTING 1"])
            let nft = report.chains.filter { $0.backend == .nftables && $0.ruleCount > 0 }
            #expect(Set(nft.map { "\($0.family) \($0.table) \($0.chain) \($0.ruleCount)" })
                    == ["ip nat PREROUTING 1", "ip nat KUBE-SERVICES 1"])
            let prerouting = try #require(report.sharedHooks.first { $0.family == .ipv4 && $0.hook == "prerouting" })
            #expect(prerouting.ambiguousOrder)
            #expect(Set(prerouting.chains.map(\.backend)) == [.legacy, .nftables])
            #expect(prerouting.chains.allSatisfy { $0.priority == -100 })
            let cli = try NfscopeCLI.run(["legacy", "backends", "--netns", ns.name, "--json"])
            #expect(cli.status == 0, "\(cli.error)")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(cli.output.utf8)) as? [String: Any])
            #expect(document["split"] as? Bool == true)
            #expect(document["schema_version"] as? Int == 1)
        }
    }
}
