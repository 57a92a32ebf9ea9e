import Foundation
import NFScope
import Testing
import TestLab

/// Native nftables cases on the K3s-like node: kube-proxy's nftables mode, a hostPort table at the same
/// priority as kube-proxy's nat chain, random endpoint choice, IPv6.
@Suite("trace with native nftables and branches, judged by the kernel", .serialized,
       .enabled(if: Shell.isRoot, "needs root: creates network namespaces"))
struct TraceNodeNftablesTests {
    typealias Node = TraceNodeLabTests.Node

    func judge(_ from: LabNamespace, _ destination: String, _ port: UInt16) throws -> (TraceReport, ConnectOutcome) {
        let predicted = try Tracer().trace(from: from.path, proto: .tcp, source: nil, sourcePort: nil,
                                           destination: IPAddress(destination)!, destinationPort: port)
        return (predicted, try from.connectTCP(to: destination, port: port))
    }

    static let kubeProxyNftables = """
        table ip kube-proxy {
            map service-ips {
                type ipv4_addr . inet_proto . inet_service : verdict
                elements = { 10.43.0.20 . tcp . 80 : goto service-web-http, 10.43.0.20 . tcp . 9090 : goto service-web-metrics }
            }
            map no-endpoint-services {
                type ipv4_addr . inet_proto . inet_service : verdict
                elements = { 10.43.0.20 . tcp . 81 : goto reject-chain }
            }
            chain nat-prerouting { type nat hook prerouting priority dstnat; policy accept; jump services; }
            chain nat-output { type nat hook output priority -100; policy accept; jump services; }
            chain nat-postrouting { type nat hook postrouting priority srcnat; policy accept; jump masquerading; }
            chain filter-forward { type filter hook forward priority filter - 110; policy accept; ct state new jump service-endpoints-check; }
            chain filter-output { type filter hook output priority filter - 110; policy accept; ct state new jump service-endpoints-check; }
            chain service-endpoints-check { ip daddr . meta l4proto . th dport vmap @no-endpoint-services; }
            chain reject-chain { reject; }
            chain masquerading {
                meta mark & 0x00004000 == 0x00000000 return
                meta mark set meta mark ^ 0x00004000
                masquerade fully-random
            }
            chain mark-for-masquerade { meta mark set meta mark | 0x00004000; }
            chain services { ip daddr . meta l4proto . th dport vmap @service-ips; }
            chain service-web-http {
                ip daddr 10.43.0.20 tcp dport 80 ip saddr != 10.42.0.0/16 jump mark-for-masquerade
                numgen random mod 1 vmap { 0 : goto endpoint-web-http }
            }
            chain endpoint-web-http {
                ip saddr 10.42.0.11 jump mark-for-masquerade
                meta l4proto tcp dnat to 10.42.0.11:8080
            }
            chain service-web-metrics {
                ip daddr 10.43.0.20 tcp dport 9090 ip saddr != 10.42.0.0/16 jump mark-for-masquerade
                numgen random mod 1 vmap { 0 : goto endpoint-web-metrics }
            }
            chain endpoint-web-metrics {
                ip saddr 10.42.0.11 jump mark-for-masquerade
                meta l4proto tcp dnat to 10.42.0.11:9090
            }
        }
        """

    @Test("kube-proxy nftables mode: service maps, numgen, masquerade for the node, reject for no endpoints")
    func kubeProxyNftables() throws {
        try withLab { lab in
            let node = try Node(lab)
            defer { node.close() }
            try node.node.loadNft(Self.kubeProxyNftables)
            let cases: [(LabNamespace, UInt16, ConnectOutcome)] = [
                (node.client, 80, .ok), (node.node, 80, .ok), (node.client, 9090, .ok),
                (node.client, 81, .refused), (node.node, 81, .refused),
            ]
            for (from, port, intended) in cases {
                let (predicted, actual) = try judge(from, "10.43.0.20", port)
                #expect(actual == intended, "scenario \(from.name) -> :\(port)")
                #expect(predicted.outcome == actual.rawValue,
                        "\(from.name) -> :\(port): predicted \(predicted.outcome) (\(predicted.reason)); notes \(predicted.warnings)")
            }
        }
    }

    @Test("a hostPort nat table at kube-proxy's priority: ambiguous, and the kernel's outcome is an alternative")
    func hostPortAtSamePriority() throws {
        try withLab { lab in
            let node = try Node(lab)
            defer { node.close() }
            try node.node.loadNft("""
                table ip hostport {
                    chain prerouting {
                        type nat hook prerouting priority dstnat; policy accept;
                        tcp dport 80 dnat to 10.42.0.11:7777
                    }
                }
                """)
            let (predicted, actual) = try judge(node.client, "10.43.0.10", 80)
            #expect(predicted.outcome == "ambiguous", "\(predicted.reason)")
            let alternatives = predicted.alternatives?.map(\.outcome) ?? []
            #expect(Set(alternatives) == ["ok", "refused"])
            #expect(alternatives.contains(actual.rawValue))
        }
    }

    @Test("statistic over two endpoints, one without a listener: mixed at 50%, the kernel's outcome among the branches")
    func randomEndpoints() throws {
        try withLab { lab in
            let node = try Node(lab)
            defer { node.close() }
            try node.node.exec(["iptables-nft", "-t", "nat", "-I", "KUBE-SVC-WEBHTTP", "1", "-p", "tcp", "-m", "statistic", "--mode",
                                "random", "--probability", "0.5", "-j", "DNAT", "--to-destination", "10.42.0.11:7777"])
            let (predicted, actual) = try judge(node.client, "10.43.0.10", 80)
            #expect(predicted.outcome == "mixed", "\(predicted.reason)")
            let branches = predicted.branches ?? []
            #expect(Set(branches.map(\.outcome)) == ["ok", "refused"])
            #expect(branches.allSatisfy { abs(($0.probability ?? 0) - 0.5) < 0.001 })
            #expect(branches.map(\.outcome).contains(actual.rawValue))
        }
    }

    @Test("IPv6 through a router: forwarding on and off, an ip6tables REJECT in FORWARD")
    func ipv6Routed() throws {
        try withLab { lab in
            let client = try lab.namespace("c6")
            let router = try lab.namespace("r6")
            let server = try lab.namespace("s6")
            try lab.veth(client, "eth0", addresses: ["fd00:51::2/64"], router, "eth-c", addresses: ["fd00:51::1/64"])
            try lab.veth(router, "eth-s", addresses: ["fd00:52::1/64"], server, "eth0", addresses: ["fd00:52::2/64"])
            try client.exec(["ip", "-6", "route", "add", "default", "via", "fd00:51::1"])
            try server.exec(["ip", "-6", "route", "add", "default", "via", "fd00:52::1"])
            try router.sysctl("net.ipv6.conf.all.forwarding=1")
            let listener = try server.listenTCP(port: 8080, ipv6: true)
            defer { listener.close() }
            // Link-local addresses finish duplicate address detection about a second after the links come
            // up; until then neighbour discovery through the router stalls. Wait for the path to work.
            for _ in 0..<10 where try client.connectTCP(to: "fd00:52::2", port: 8080, timeout: 0.5) != .ok {}
            let ok = try judge(client, "fd00:52::2", 8080)
            #expect(ok.1 == .ok)
            #expect(ok.0.outcome == ok.1.rawValue, "\(ok.0.reason)")
            try router.loadIptables("""
                *filter
                :FORWARD ACCEPT [0:0]
                -A FORWARD -p tcp --dport 8080 -j REJECT
                COMMIT
                """, ipv6: true)
            let rejected = try judge(client, "fd00:52::2", 8080)
            #expect(rejected.1 == .refused)
            #expect(rejected.0.outcome == rejected.1.rawValue, "\(rejected.0.reason)")
            #expect(rejected.0.decisiveRule?.family == "ip6")
            try router.sysctl("net.ipv6.conf.all.forwarding=0")
            let off = try judge(client, "fd00:52::2", 8080)
            #expect(off.1 == .timeout)
            #expect(off.0.outcome == off.1.rawValue, "\(off.0.reason)")
        }
    }

    @Test("IPv6 over a veth: ok, refused, and an ip6 filter drop")
    func ipv6() throws {
        try withLab { lab in
            let client = try lab.namespace("client6")
            let server = try lab.namespace("server6")
            try lab.veth(client, "eth0", addresses: ["fd00:50::1/64"], server, "eth0", addresses: ["fd00:50::2/64"])
            let listener = try server.listenTCP(port: 8080, ipv6: true)
            defer { listener.close() }
            for (port, intended) in [(UInt16(8080), ConnectOutcome.ok), (8081, .refused)] {
                let (predicted, actual) = try judge(client, "fd00:50::2", port)
                #expect(actual == intended)
                #expect(predicted.outcome == actual.rawValue, "\(predicted.reason)")
            }
            try server.loadNft("""
                table ip6 f {
                    chain input {
                        type filter hook input priority 0;
                        tcp dport 8080 drop
                    }
                }
                """)
            let (predicted, actual) = try judge(client, "fd00:50::2", 8080)
            #expect(actual == .timeout)
            #expect(predicted.outcome == actual.rawValue, "\(predicted.reason)")
        }
    }
}
