import Conntrack
import Foundation
import NetCore
import NetNS
import Netlink
import Testing
import TestLab

@Suite("conntrack with real traffic", .serialized, .enabled(if: Shell.isRoot, "needs root: creates network namespaces"))
struct ConntrackTrafficTests {
    @Test("a TCP connection through a DNAT rule shows the DST_NAT flow with the backend in the reply tuple")
    func tcpThroughDNAT() throws {
        try withLab { lab in
            let topology = try ConntrackLab(lab)
            let listener = try topology.server.listenTCP(port: 9090)
            defer { listener.close() }
            #expect(try topology.client.connectTCP(to: ConntrackLab.serviceIP, port: 80, sourcePort: 40123) == .ok)
            let flows = try topology.routerFlows(ConntrackFilter(l4Protocol: .tcp, nat: .dnat))
            try #require(flows.count == 1)
            let flow = flows[0]
            #expect(flow.original == Tuple(source: IPAddress("10.99.0.1")!, destination: IPAddress(ConntrackLab.serviceIP)!,
                                           l4: .ports(.tcp, source: 40123, destination: 80)))
            #expect(flow.reply == Tuple(source: IPAddress(ConntrackLab.backendIP)!, destination: IPAddress("10.99.0.1")!,
                                        l4: .ports(.tcp, source: 9090, destination: 40123)))
            #expect(flow.status.contains(.destinationNAT) && flow.sawReply)
            #expect(flow.natSummary == "DNAT 10.43.143.185:80 → 10.42.0.152:9090")
            #expect(flow.tcpState != nil)
            // The same flow by its original tuple, and by its reply tuple.
            let reader = try topology.routerReader()
            #expect(try reader.flow(tuple: flow.original)?.id == flow.id)
            #expect(try reader.flow(tuple: flow.reply, direction: .reply)?.id == flow.id)
            // Filters on the reply direction find it; the client's own table has no NAT.
            #expect(try topology.routerFlows(ConntrackFilter(reply: TupleFilter(source: IPPrefix("10.42.0.0/24")))).count == 1)
            #expect(try topology.routerFlows(ConntrackFilter(original: TupleFilter(destinationPorts: 9090...9090))).isEmpty)
        }
    }

    @Test("UDP through DNAT carries the ct mark a rule set; ICMP is in the zone a CT rule set")
    func udpMarkAndICMPZone() throws {
        try withLab { lab in
            let topology = try ConntrackLab(lab)
            let listener = try topology.server.listenUDPEcho(port: 5353)
            defer { listener.close() }
            #expect(try topology.client.exchangeUDP(to: ConntrackLab.serviceIP, port: 53, sourcePort: 40200) == .ok)
            #expect(try topology.client.ping(ConntrackLab.backendIP, id: 0x1234))
            let udp = try topology.routerFlows(ConntrackFilter(l4Protocol: .udp))
            try #require(udp.count == 1)
            #expect(udp[0].mark == 0x2a)
            #expect(udp[0].natSummary == "DNAT 10.43.143.185:53 → 10.42.0.152:5353")
            #expect(udp[0].sawReply)
            #expect(try topology.routerFlows(ConntrackFilter(mark: MarkFilter(value: 0x2a))).map(\.id) == [udp[0].id])
            #expect(try topology.routerFlows(ConntrackFilter(mark: MarkFilter(value: 0x20, mask: 0xf0))).count == 1)
            let icmp = try topology.routerFlows(ConntrackFilter(l4Protocol: .icmp))
            try #require(icmp.count == 1)
            #expect(icmp[0].zone == Zone(id: 7, direction: .both))
            #expect(icmp[0].original.l4 == .icmp(.icmp, type: 8, code: 0, id: 0x1234))
            #expect(icmp[0].reply.l4 == .icmp(.icmp, type: 0, code: 0, id: 0x1234))
            #expect(try topology.routerFlows(ConntrackFilter(zone: 7)).map(\.id) == [icmp[0].id])
            #expect(try topology.routerFlows(ConntrackFilter(zone: 0)).map(\.id) == [udp[0].id])
            // A get in zone 7 finds the ICMP flow; the default zone does not.
            let reader = try topology.routerReader()
            #expect(try reader.flow(tuple: icmp[0].original, zone: 7)?.id == icmp[0].id)
            #expect(try reader.flow(tuple: icmp[0].original) == nil)
        }
    }

    @Test("an IPv6 TCP connection through the router is tracked with IPv6 tuples")
    func ipv6() throws {
        try withLab { lab in
            let topology = try ConntrackLab(lab)
            try topology.waitForIPv6()
            let listener = try topology.server.listenTCP(port: 9091, ipv6: true)
            defer { listener.close() }
            #expect(try topology.client.connectTCP(to: "fd00:42::152", port: 9091, sourcePort: 40300) == .ok)
            let flows = try topology.routerFlows(ConntrackFilter(family: .ipv6, l4Protocol: .tcp))
            try #require(flows.count == 1)
            #expect(flows[0].family == .ipv6)
            #expect(flows[0].original == Tuple(source: IPAddress("fd00:99::1")!, destination: IPAddress("fd00:42::152")!,
                                               l4: .ports(.tcp, source: 40300, destination: 9091)))
            #expect(flows[0].natTranslations.isEmpty && flows[0].sawReply)
            #expect(try topology.routerFlows(ConntrackFilter(original: TupleFilter(source: IPPrefix("fd00:99::/64")))).count == 1)
            #expect(try topology.routerFlows(ConntrackFilter(family: .ipv4, l4Protocol: .tcp)).isEmpty)
        }
    }

    @Test("events: NEW for a connection, UPDATEs as it closes, DESTROY when it expires")
    func events() throws {
        try withLab { lab in
            let topology = try ConntrackLab(lab)
            for name in ["fin_wait", "close_wait", "last_ack", "time_wait", "close"] {
                try topology.router.sysctl("net.netfilter.nf_conntrack_tcp_timeout_\(name)=1")
            }
            let listener = try topology.server.listenTCP(port: 9090)
            defer { listener.close() }
            let watcher = try ConntrackWatcher(namespace: NamespaceHandle(path: topology.router.path), wakeEveryMilliseconds: 100)
            #expect(try topology.client.connectTCP(to: ConntrackLab.serviceIP, port: 80, sourcePort: 40400) == .ok)
            let filter = ConntrackFilter(original: TupleFilter(sourcePorts: 40400...40400))
            var seen: [ConntrackEvent] = []
            let deadline = Date().addingTimeInterval(90)
            try watcher.watch(matching: filter, stop: { Date() > deadline }) { event in
                seen.append(event)
                if case .destroy = event { return false }
                return true
            }
            let names = seen.map(\.name)
            #expect(names.first == "new")
            #expect(names.contains("update"))
            #expect(names.last == "destroy")
            #expect(!names.contains("lost"))
            #expect(seen.first?.flow?.original.destinationPort == 80)
            #expect(seen.first?.flow?.natSummary == "DNAT 10.43.143.185:80 → 10.42.0.152:9090")
            let states = seen.compactMap { $0.flow?.tcpState?.name }
            #expect(states.contains("ESTABLISHED"))
        }
    }
}
