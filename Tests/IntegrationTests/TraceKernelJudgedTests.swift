import Foundation
import NFScope
import Testing
import TestLab

/// The kernel is the judge: each test builds namespaces, loads real rules, makes a real connection, and
/// checks that `nfscope trace` predicted what the kernel did.
@Suite("trace judged by the kernel", .serialized, .enabled(if: Shell.isRoot, "needs root: creates network namespaces"))
struct TraceKernelJudgedTests {
    /// client 10.50.1.2 — router (10.50.1.1 | 10.50.2.1, ip_forward on) — server 10.50.2.2; both ends route
    /// everything through the router.
    struct Routed {
        let client: LabNamespace
        let router: LabNamespace
        let server: LabNamespace

        init(_ lab: Lab, forwarding: Bool = true) throws {
            client = try lab.namespace("client")
            router = try lab.namespace("router")
            server = try lab.namespace("server")
            try lab.veth(client, "eth0", addresses: ["10.50.1.2/24"], router, "eth-c", addresses: ["10.50.1.1/24"])
            try lab.veth(router, "eth-s", addresses: ["10.50.2.1/24"], server, "eth0", addresses: ["10.50.2.2/24"])
            try client.exec(["ip", "route", "add", "default", "via", "10.50.1.1"])
            try server.exec(["ip", "route", "add", "default", "via", "10.50.2.1"])
            try router.sysctl("net.ipv4.ip_forward=\(forwarding ? 1 : 0)")
        }
    }

    /// Predicts, then connects, and returns both outcomes.
    func judge(_ from: LabNamespace, _ destination: String, _ port: UInt16, proto: String = "tcp")
        throws -> (predicted: TraceReport, actual: ConnectOutcome) {
        let predicted = try Tracer().trace(from: from.path, proto: proto == "tcp" ? .tcp : .udp, source: nil,
                                           sourcePort: nil, destination: IPAddress(destination)!,
                                           destinationPort: port)
        let actual = proto == "tcp" ? try from.connectTCP(to: destination, port: port)
                                    : try from.exchangeUDP(to: destination, port: port)
        return (predicted, actual)
    }

    func expectAgreement(_ result: (predicted: TraceReport, actual: ConnectOutcome), _ expected: ConnectOutcome,
                         sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.actual == expected, "the kernel did not do what the scenario intends", sourceLocation: sourceLocation)
        #expect(result.predicted.outcome == result.actual.rawValue,
                "predicted \(result.predicted.outcome) (\(result.predicted.reason)), kernel: \(result.actual)",
                sourceLocation: sourceLocation)
    }

    @Test("direct veth: listener ok, closed port refused, no route unreachable")
    func directVeth() throws {
        try withLab { lab in
            let client = try lab.namespace("client")
            let server = try lab.namespace("server")
            try lab.veth(client, "eth0", addresses: ["10.50.0.1/24"], server, "eth0", addresses: ["10.50.0.2/24"])
            let listener = try server.listenTCP(port: 8080)
            defer { listener.close() }
            let ok = try judge(client, "10.50.0.2", 8080)
            expectAgreement(ok, .ok)
            #expect(ok.predicted.deliveredTo?.port == 8080)
            #expect(ok.predicted.deliveredTo?.namespace == server.name)
            expectAgreement(try judge(client, "10.50.0.2", 8081), .refused)
            expectAgreement(try judge(client, "10.50.9.2", 8080), .unreachable)
        }
    }

    @Test("inside one namespace over loopback: ok, refused, an OUTPUT REDIRECT, an INPUT drop")
    func loopback() throws {
        try withLab { lab in
            let host = try lab.namespace("host")
            try lab.veth(host, "eth0", addresses: ["10.50.3.1/24"], try lab.namespace("peer"), "eth0", addresses: ["10.50.3.2/24"])
            let listener = try host.listenTCP(port: 8080)
            defer { listener.close() }
            expectAgreement(try judge(host, "10.50.3.1", 8080), .ok)
            expectAgreement(try judge(host, "127.0.0.1", 8080), .ok)
            expectAgreement(try judge(host, "10.50.3.1", 8081), .refused)
            try host.loadIptables("""
                *nat
                :OUTPUT ACCEPT [0:0]
                -A OUTPUT -p tcp --dport 80 -j REDIRECT --to-ports 8080
                COMMIT
                *filter
                :INPUT ACCEPT [0:0]
                -A INPUT -p tcp --dport 9999 -j DROP
                COMMIT
                """)
            expectAgreement(try judge(host, "10.50.3.1", 80), .ok)
            expectAgreement(try judge(host, "10.50.3.1", 9999), .timeout)
        }
    }

    @Test("a clsact qdisc on the server's interface is reported as a blind spot")
    func tcBlindSpot() throws {
        try withLab { lab in
            let client = try lab.namespace("client")
            let server = try lab.namespace("server")
            try lab.veth(client, "eth0", addresses: ["10.50.4.1/24"], server, "eth0", addresses: ["10.50.4.2/24"])
            let listener = try server.listenTCP(port: 8080)
            defer { listener.close() }
            let clean = try judge(client, "10.50.4.2", 8080)
            #expect(!clean.predicted.warnings.contains { $0.contains("qdisc") })
            try server.exec(["tc", "qdisc", "add", "dev", "eth0", "clsact"])
            let withTC = try judge(client, "10.50.4.2", 8080)
            expectAgreement(withTC, .ok)
            #expect(withTC.predicted.warnings.contains { $0.contains("eth0 has a clsact qdisc") }, "\(withTC.predicted.warnings)")
        }
    }

    @Test("UDP: echo ok, closed port refused, dropped datagram times out")
    func udp() throws {
        try withLab { lab in
            let routed = try Routed(lab)
            let echo = try routed.server.listenUDPEcho(port: 5353)
            defer { echo.close() }
            expectAgreement(try judge(routed.client, "10.50.2.2", 5353, proto: "udp"), .ok)
            expectAgreement(try judge(routed.client, "10.50.2.2", 5354, proto: "udp"), .refused)
            try routed.router.loadIptables("""
                *filter
                :FORWARD ACCEPT [0:0]
                -A FORWARD -p udp --dport 5353 -j DROP
                COMMIT
                """)
            let dropped = try judge(routed.client, "10.50.2.2", 5353, proto: "udp")
            expectAgreement(dropped, .timeout)
            #expect(dropped.predicted.decisiveRule?.chain == "FORWARD")
        }
    }

    @Test("UDP DNAT to a closed port: the ICMP error is un-NATed on its way back and the sender sees refused")
    func udpDNATClosedPort() throws {
        try withLab { lab in
            let routed = try Routed(lab)
            let echo = try routed.server.listenUDPEcho(port: 5353)
            defer { echo.close() }
            try routed.router.loadIptables("""
                *nat
                :PREROUTING ACCEPT [0:0]
                :POSTROUTING ACCEPT [0:0]
                -A PREROUTING -d 10.96.0.53/32 -p udp --dport 53 -j DNAT --to-destination 10.50.2.2:5353
                -A PREROUTING -d 10.96.0.53/32 -p udp --dport 54 -j DNAT --to-destination 10.50.2.2:5354
                -A POSTROUTING -d 10.50.2.0/24 -j MASQUERADE
                COMMIT
                """)
            expectAgreement(try judge(routed.client, "10.96.0.53", 53, proto: "udp"), .ok)
            expectAgreement(try judge(routed.client, "10.96.0.53", 54, proto: "udp"), .refused)
        }
    }

    @Test("routed: no rules ok; no route or a prohibit route in the router is unreachable; ip_forward off times out")
    func routedForwarding() throws {
        try withLab { lab in
            let routed = try Routed(lab)
            let listener = try routed.server.listenTCP(port: 8080)
            defer { listener.close() }
            expectAgreement(try judge(routed.client, "10.50.2.2", 8080), .ok)
            // The router has no route for this: it answers with ICMP net unreachable.
            let noRoute = try judge(routed.client, "10.77.0.1", 8080)
            expectAgreement(noRoute, .unreachable)
            try routed.router.exec(["ip", "route", "add", "prohibit", "10.78.0.0/16"])
            expectAgreement(try judge(routed.client, "10.78.0.1", 8080), .unreachable)
            try routed.router.sysctl("net.ipv4.ip_forward=0")
            let off = try judge(routed.client, "10.50.2.2", 8080)
            expectAgreement(off, .timeout)
            #expect(off.predicted.verdict == "routing")
        }
    }

    @Test("FORWARD REJECT is refused, DROP times out, and the decisive rule is named")
    func forwardRejectAndDrop() throws {
        try withLab { lab in
            let routed = try Routed(lab)
            let listener = try routed.server.listenTCP(port: 8080)
            let other = try routed.server.listenTCP(port: 9090)
            defer { listener.close(); other.close() }
            try routed.router.loadIptables("""
                *filter
                :FORWARD ACCEPT [0:0]
                -A FORWARD -p tcp --dport 8080 -j REJECT
                -A FORWARD -p tcp --dport 8443 -j REJECT --reject-with tcp-reset
                -A FORWARD -p tcp --dport 9999 -j DROP
                COMMIT
                """)
            let rejected = try judge(routed.client, "10.50.2.2", 8080)
            expectAgreement(rejected, .refused)
            #expect(rejected.predicted.decisiveRule?.backend == "iptables-nft")
            #expect(rejected.predicted.decisiveRule?.text?.contains("-j REJECT") == true)
            expectAgreement(try judge(routed.client, "10.50.2.2", 8443), .refused)
            expectAgreement(try judge(routed.client, "10.50.2.2", 9999), .timeout)
            expectAgreement(try judge(routed.client, "10.50.2.2", 9090), .ok)
        }
    }

    @Test("DNAT of a service address to a backend, with and without a listener; reject after DNAT")
    func dnatToBackend() throws {
        try withLab { lab in
            let routed = try Routed(lab)
            let listener = try routed.server.listenTCP(port: 8080)
            defer { listener.close() }
            try routed.router.loadIptables("""
                *nat
                :PREROUTING ACCEPT [0:0]
                -A PREROUTING -d 10.96.0.10/32 -p tcp --dport 80 -j DNAT --to-destination 10.50.2.2:8080
                -A PREROUTING -d 10.96.0.10/32 -p tcp --dport 81 -j DNAT --to-destination 10.50.2.2:8081
                -A PREROUTING -d 10.96.0.10/32 -p tcp --dport 82 -j DNAT --to-destination 10.50.2.2:8080
                COMMIT
                *filter
                :FORWARD ACCEPT [0:0]
                -A FORWARD -d 10.50.2.2/32 -p tcp --dport 8080 -m conntrack --ctorigdstport 82 -j REJECT --reject-with tcp-reset
                COMMIT
                """)
            let ok = try judge(routed.client, "10.96.0.10", 80)
            expectAgreement(ok, .ok)
            #expect(ok.predicted.deliveredTo?.address == "10.50.2.2")
            expectAgreement(try judge(routed.client, "10.96.0.10", 81), .refused)
            expectAgreement(try judge(routed.client, "10.96.0.10", 82), .refused)
        }
    }

    @Test("nat PREROUTING REDIRECT of port 80 to a local port: refused without a listener, ok with one")
    func redirect() throws {
        try withLab { lab in
            let routed = try Routed(lab)
            let listener = try routed.server.listenTCP(port: 80)
            defer { listener.close() }
            expectAgreement(try judge(routed.client, "10.50.2.2", 80), .ok)
            try routed.router.loadIptables("""
                *nat
                :PREROUTING ACCEPT [0:0]
                -A PREROUTING -p tcp --dport 80 -j REDIRECT --to-ports 15001
                COMMIT
                """)
            let refused = try judge(routed.client, "10.50.2.2", 80)
            expectAgreement(refused, .refused)
            let sidecar = try routed.router.listenTCP(port: 15001)
            defer { sidecar.close() }
            let captured = try judge(routed.client, "10.50.2.2", 80)
            expectAgreement(captured, .ok)
            #expect(captured.predicted.deliveredTo?.namespace == routed.router.name)
        }
    }

    @Test("native nftables: dnat through a map, a drop in an inet forward chain, a set of blocked ports")
    func nativeNftables() throws {
        try withLab { lab in
            let routed = try Routed(lab)
            let listener = try routed.server.listenTCP(port: 8080)
            defer { listener.close() }
            try routed.router.loadNft("""
                table ip svc {
                    map services {
                        type ipv4_addr . inet_service : ipv4_addr . inet_service
                        elements = { 10.96.0.20 . 80 : 10.50.2.2 . 8080, 10.96.0.20 . 81 : 10.50.2.2 . 8081 }
                    }
                    chain prerouting {
                        type nat hook prerouting priority dstnat; policy accept;
                        dnat ip addr . port to ip daddr . tcp dport map @services
                    }
                }
                table inet fw {
                    set blocked { type inet_service; flags interval; elements = { 9000-9100 } }
                    chain forward {
                        type filter hook forward priority filter; policy accept;
                        ct state established,related accept
                        tcp dport @blocked drop
                        tcp dport 7000 reject with icmpx admin-prohibited
                    }
                }
                """)
            expectAgreement(try judge(routed.client, "10.96.0.20", 80), .ok)
            expectAgreement(try judge(routed.client, "10.96.0.20", 81), .refused)
            let blocked = try judge(routed.client, "10.50.2.2", 9050)
            expectAgreement(blocked, .timeout)
            #expect(blocked.predicted.decisiveRule?.backend == "nftables")
            expectAgreement(try judge(routed.client, "10.50.2.2", 9200), .refused)
            expectAgreement(try judge(routed.client, "10.50.2.2", 7000), .unreachable)
        }
    }

    @Test("the way back: a FORWARD policy drop without an established rule lets SYNs through but not SYN-ACKs")
    func wayBack() throws {
        try withLab { lab in
            let routed = try Routed(lab)
            let listener = try routed.server.listenTCP(port: 8080)
            defer { listener.close() }
            try routed.router.loadIptables("""
                *filter
                :FORWARD DROP [0:0]
                -A FORWARD -i eth-c -p tcp --dport 8080 -j ACCEPT
                COMMIT
                """)
            let oneWay = try judge(routed.client, "10.50.2.2", 8080)
            expectAgreement(oneWay, .timeout)
            #expect(oneWay.predicted.reason.contains("answer"))
        }
    }
}
