import Foundation
import NFScope
import Testing
import TestLab

/// iptables-legacy tables on the simulated path, judged by the kernel: the legacy x_tables hooks run next
/// to the nf_tables chains, at their own priorities.
@Suite("trace with iptables-legacy tables, judged by the kernel", .serialized,
       .enabled(if: Shell.isRoot, "needs root: creates network namespaces"))
struct TraceLegacyTests {
    /// client 10.60.1.2 — node (10.60.1.1 | 10.60.2.1, ip_forward on) — backend 10.60.2.2.
    struct Node {
        let client: LabNamespace
        let node: LabNamespace
        let backend: LabNamespace

        init(_ lab: Lab) throws {
            client = try lab.namespace("lt-client")
            node = try lab.namespace("lt-node")
            backend = try lab.namespace("lt-backend")
            try lab.veth(client, "eth0", addresses: ["10.60.1.2/24"], node, "eth-c", addresses: ["10.60.1.1/24"])
            try lab.veth(node, "eth-b", addresses: ["10.60.2.1/24"], backend, "eth0", addresses: ["10.60.2.2/24"])
            try client.exec(["ip", "route", "add", "default", "via", "10.60.1.1"])
            try backend.exec(["ip", "route", "add", "default", "via", "10.60.2.1"])
            try node.sysctl("net.ipv4.ip_forward=1")
        }
    }

    func trace(_ from: LabNamespace, _ destination: String, _ port: UInt16) throws -> TraceReport {
        try Tracer().trace(from: from.path, proto: .tcp, source: nil, sourcePort: nil,
                           destination: IPAddress(destination)!, destinationPort: port)
    }

    @Test("kube-proxy DNAT in iptables-nft plus a legacy port-80 REDIRECT: ambiguous, both rules shown, the kernel's outcome among the alternatives")
    func splitNat() throws {
        try withLab { lab in
            let lab = try Node(lab)
            try lab.node.loadIptables("""
                *nat
                :PREROUTING ACCEPT [0:0]
                :INPUT ACCEPT [0:0]
                :OUTPUT ACCEPT [0:0]
                :POSTROUTING ACCEPT [0:0]
                :KUBE-SERVICES - [0:0]
                -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
                -A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.60.2.2:80
                COMMIT

                """)
            // Someone's hand-written legacy REDIRECT: port 80 to 8080 on the node, where nothing listens.
            try lab.node.loadIptables("""
                *nat
                :PREROUTING ACCEPT [0:0]
                :INPUT ACCEPT [0:0]
                :OUTPUT ACCEPT [0:0]
                :POSTROUTING ACCEPT [0:0]
                -A PREROUTING -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 8080
                COMMIT

                """, legacy: true)
            let listener = try lab.backend.listenTCP(port: 80)
            defer { listener.close() }

            let report = try trace(lab.client, "10.96.0.10", 80)
            let actual = try lab.client.connectTCP(to: "10.96.0.10", port: 80)
            #expect(actual == .ok || actual == .refused, "\(actual)")
            #expect(report.outcome == "ambiguous", "\(report.outcome): \(report.reason)")
            let alternatives = try #require(report.alternatives)
            #expect(alternatives.count == 2)
            #expect(Set(alternatives.map(\.outcome)) == ["ok", "refused"])
            #expect(alternatives.contains { $0.outcome == actual.rawValue },
                    "kernel: \(actual); alternatives: \(alternatives.map { "\($0.order): \($0.outcome)" })")
            // The orders name both backends' chains.
            // Only the prerouting order matters: the other nat chains on the path are empty.
            let orders = Set(alternatives.flatMap(\.order).map { $0.split(separator: ":").last.map(String.init) ?? $0 })
            #expect(orders == [" ip nat PREROUTING before iptables-legacy ip nat PREROUTING",
                               " iptables-legacy ip nat PREROUTING before ip nat PREROUTING"], "\(orders)")

            // Both rules are on the path: the legacy REDIRECT by position, the nft DNAT by handle.
            let steps = alternatives.flatMap(\.steps)
            let redirect = try #require(steps.first { $0.backend == "iptables-legacy" && $0.chain == "PREROUTING" && $0.position == 1 })
            #expect(redirect.table == "nat")
            #expect(redirect.handle == nil)
            #expect(redirect.text == "-A PREROUTING -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 8080")
            let dnat = try #require(steps.first { $0.chain == "KUBE-SERVICES" && $0.text?.contains("DNAT") == true })
            #expect(dnat.backend == nil && dnat.handle != nil)
            // The refused alternative is decided (redirected) by the legacy rule, at position 1.
            let refused = try #require(alternatives.first { $0.outcome == "refused" })
            #expect(refused.steps.contains { $0.backend == "iptables-legacy" && $0.effect.contains("redirect") })

            // The CLI text says position, and the JSON carries it.
            let cli = try NfscopeCLI.run(["trace", "--from-netns", lab.client.name, "--dst", "10.96.0.10", "--dport", "80", "--proto", "tcp"])
            #expect(cli.output.contains("iptables-legacy ip nat PREROUTING position 1"), "\(cli.output)\(cli.error)")
        }
    }

    @Test("a legacy filter FORWARD REJECT of port 80 with no nf_tables chain on that hook: refused, as the kernel says; 8080 passes")
    func legacyForwardReject() throws {
        try withLab { lab in
            let lab = try Node(lab)
            try lab.node.loadIptables("""
                *filter
                :INPUT ACCEPT [0:0]
                :FORWARD ACCEPT [0:0]
                :OUTPUT ACCEPT [0:0]
                -A FORWARD -d 10.60.2.2/32 -p tcp -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable
                COMMIT

                """, legacy: true)
            let web = try lab.backend.listenTCP(port: 80)
            defer { web.close() }
            let other = try lab.backend.listenTCP(port: 8080)
            defer { other.close() }

            let report = try trace(lab.client, "10.60.2.2", 80)
            let actual = try lab.client.connectTCP(to: "10.60.2.2", port: 80)
            #expect(actual == .refused)
            #expect(report.outcome == actual.rawValue, "\(report.outcome): \(report.reason)")
            #expect(report.alternatives == nil)
            let rule = try #require(report.decisiveRule)
            #expect(rule.backend == "iptables-legacy")
            #expect(rule.table == "filter" && rule.chain == "FORWARD")
            #expect(rule.position == 1 && rule.handle == nil)
            #expect(rule.text == "-A FORWARD -d 10.60.2.2/32 -p tcp -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable")

            let passes = try trace(lab.client, "10.60.2.2", 8080)
            #expect(try lab.client.connectTCP(to: "10.60.2.2", port: 8080) == .ok)
            #expect(passes.outcome == "ok", "\(passes.outcome): \(passes.reason)")
            // The legacy FORWARD chain was on the path (its policy let the packet through).
            #expect(passes.steps.contains { $0.backend == "iptables-legacy" && $0.chain == "FORWARD" })
        }
    }
}
