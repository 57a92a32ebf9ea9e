import Conntrack
import NetCore
import Netlink
import Testing

@Suite("ctnetlink decoding of recorded and hand-built messages")
struct FlowDecodingTests {
    @Test("a TCP entry created with --dst-nat decodes as DST_NAT with the backend in the reply tuple")
    func tcpDNAT() throws {
        let flow = try Flow(message: goldenMessage(Golden.tcpDNAT))
        #expect(flow.family == .ipv4)
        #expect(flow.original == Tuple(source: IPAddress("10.0.0.9")!, destination: IPAddress("10.43.143.185")!,
                                       l4: .ports(.tcp, source: 41000, destination: 80)))
        #expect(flow.reply == Tuple(source: IPAddress("10.42.0.152")!, destination: IPAddress("10.0.0.9")!,
                                    l4: .ports(.tcp, source: 9090, destination: 41000)))
        #expect(flow.status.isSuperset(of: [.seenReply, .assured, .confirmed, .destinationNAT, .destinationNATDone]))
        #expect(flow.tcpState == .established)
        #expect(flow.natSummary == "DNAT 10.43.143.185:80 → 10.42.0.152:9090")
        #expect(flow.sawReply)
        #expect(flow.mark == 0)
        #expect(flow.id != nil && flow.timeout != nil && flow.use != nil)
        #expect(flow.otherAttributes.isEmpty)
    }

    @Test("a reply tuple that differs without NAT status is kept as sent, with mark and state")
    func tcpReplyTuple() throws {
        let flow = try Flow(message: goldenMessage(Golden.tcpMarkedReplyTuple))
        #expect(flow.mark == 7)
        #expect(flow.reply.source == IPAddress("10.42.0.152"))
        #expect(flow.natTranslations.isEmpty)
        #expect(FlowTable.row(flow).contains("reply 10.42.0.152:9090 → 10.0.0.1:40000"))
    }

    @Test("UDP in zone 5, ICMP, ICMPv6, GRE keys, UDPLITE, IPv6 TCP and a generic protocol")
    func otherProtocols() throws {
        let udp = try Flow(message: goldenMessage(Golden.udpZone5))
        #expect(udp.zone == Zone(id: 5, direction: .both))
        #expect(udp.original.l4 == .ports(.udp, source: 5000, destination: 53))
        #expect(!udp.sawReply)
        let icmp = try Flow(message: goldenMessage(Golden.icmpEcho))
        #expect(icmp.original.l4 == .icmp(.icmp, type: 8, code: 0, id: 77))
        #expect(icmp.reply.l4 == .icmp(.icmp, type: 0, code: 0, id: 77))
        let icmpv6 = try Flow(message: goldenMessage(Golden.icmpv6Echo))
        #expect(icmpv6.family == .ipv6)
        #expect(icmpv6.original.l4 == .icmp(.icmpv6, type: 128, code: 0, id: 5))
        let gre = try Flow(message: goldenMessage(Golden.greKeys))
        #expect(gre.original.l4 == .ports(.gre, source: 1, destination: 2))
        let udplite = try Flow(message: goldenMessage(Golden.udplite))
        #expect(udplite.l4Protocol == .udplite && udplite.original.destinationPort == 8)
        let v6 = try Flow(message: goldenMessage(Golden.tcpIPv6SynSent))
        #expect(v6.original.source == IPAddress("fd00::1") && v6.tcpState == .synSent)
        let generic = try Flow(message: goldenMessage(Golden.genericProto99))
        #expect(generic.original.l4 == .other(L4Protocol(rawValue: 99)))
        #expect(generic.l4Protocol.name == "unknown")
    }

    @Test("DCCP (no tracker on this kernel): state, directional zone, counters, labels, helper, unknowns kept")
    func dccpHandBuilt() throws {
        let flow = try Flow(message: goldenMessage(Golden.dccpOpenHandBuilt))
        #expect(flow.original.l4 == .ports(.dccp, source: 5001, destination: 6001))
        #expect(flow.protocolState == .dccp(.open))
        #expect(flow.protocolState?.name == "OPEN")
        #expect(flow.zone == Zone(id: 9, direction: .original))
        #expect(flow.original.zone == 9 && flow.reply.zone == nil)
        #expect(flow.status.rawValue == 0x0010_000e)
        #expect(flow.status.names == ["SEEN_REPLY", "ASSURED", "CONFIRMED", "BIT_20"])
        #expect(flow.timeout == 4321 && flow.mark == 0xbeef && flow.id == 0xdead_beef && flow.use == 1)
        #expect(flow.counters == Counters(originalPackets: 10, originalBytes: 1500, replyPackets: 8, replyBytes: 900))
        #expect(flow.timestamps == Timestamps(start: 1_700_000_000_000_000_000, stop: nil))
        #expect(flow.labels == [0x01] + [UInt8](repeating: 0, count: 15))
        #expect(flow.helper == "ftp")
        #expect(flow.securityContext == "system_u:object_r:unlabeled_t:s0")
        #expect(flow.otherAttributes == [RawAttribute(type: 40, bytes: [0, 0, 0, 7])])
    }

    @Test("unknown status bits survive a round trip and print as BIT_n")
    func unknownStatusBits() {
        let status = ConntrackStatus(rawValue: 0x8000_0004)
        #expect(status.names == ["ASSURED", "BIT_31"])
        #expect(ConntrackStatus(name: "BIT_31") == ConntrackStatus(rawValue: 0x8000_0000))
        #expect(ConntrackStatus(name: "seen_reply") == .seenReply)
        #expect(ConntrackStatus(name: "NOPE") == nil)
    }

    @Test("a message that is not IPv4/IPv6 or lacks a tuple is a DecodeError")
    func missingParts() throws {
        var bad = bytes(hex: Golden.udpZone5)
        bad[16] = 7   // nfgen_family
        #expect(throws: DecodeError.self) { try Flow(message: try NetlinkMessageSequence(bad[...]).validated()[0]) }
        let headerOnly: [UInt8] = [2, 0, 0, 0]
        #expect(throws: DecodeError.self) { try Flow(nfnetlinkPayload: headerOnly[...]) }
    }
}
