import Foundation
import Legacy
import NetCore
import NetNS
import Testing
import TestLab

@Suite("split backends: iptables-legacy next to nf_tables", .serialized,
       .enabled(if: Shell.isRoot, "needs root: throwaway namespaces, veths, real connections"))
struct LegacySplitBackendTests {
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

    @Test("kernel as judge: an iptables-nft DNAT and a legacy REDIRECT on the same hook; the real connection follows one of the reported orders")
    func kernelJudgesSharedHook() throws {
        try withLab { lab in
            let node = try lab.namespace("lg-node")
            let client = try lab.namespace("lg-client")
            try lab.veth(node, "eth0", addresses: ["10.99.0.1/24"], client, "eth0", addresses: ["10.99.0.2/24"])
            // kube-proxy's shape in iptables-nft: port 80 to a backend port nobody listens on (refused).
            try node.loadIptables("""
                *nat
                :PREROUTING ACCEPT [0:0]
                :KUBE-SERVICES - [0:0]
                -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
                -A KUBE-SERVICES -d 10.99.0.1/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.99.0.1:9090
                COMMIT

                """)
            // The legacy REDIRECT someone added by hand: port 80 to 8080, where a listener waits (ok).
            try node.loadIptables("*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 8080\nCOMMIT\n",
                                  legacy: true)
            let listener = try node.listenTCP(port: 8080)
            defer { listener.close() }
            let outcome = try client.connectTCP(to: "10.99.0.1", port: 80)
            #expect(outcome == .ok || outcome == .refused, "\(outcome)")
            let firstBackend: RulesetBackend = outcome == .ok ? .legacy : .nftables

            let report = try BackendReport.read(in: try NamespaceHandle(name: node.name))
            let hook = try #require(report.sharedHooks.first { $0.family == .ipv4 && $0.hook == "prerouting" })
            // Both rules are on the path: both chains are on the hook, with their rules.
            #expect(hook.chains.contains { $0.backend == .legacy && $0.table == "nat" && $0.ruleCount == 1 })
            #expect(hook.chains.contains { $0.backend == .nftables && $0.table == "nat" && $0.ruleCount == 1 })
            // Equal priority: ambiguous, and the order the kernel really used is among the alternatives.
            #expect(hook.ambiguousOrder)
            #expect(hook.alternatives.count == 2)
            #expect(hook.alternatives.contains { $0.first?.backend == firstBackend })
        }
    }
}
