import Conntrack
import NetCore
import NetNS

/// Fills a lab namespace's table with synthetic entries through ctnetlink (the `conntrack -I` request,
/// one round trip each: 10,000 take well under a second).
enum ConntrackTableFill {
    /// A varied table: TCP in several states (some DNAT'ed with a backend reply tuple), UDP, ICMP, IPv6 TCP
    /// and UDP; marks 0-3; every seventh entry in zone 2; a third of them assured and replied.
    static func varied(count: Int, into reader: ConntrackReader) throws {
        for index in 0..<count { try reader.insert(entry(index), destinationNAT: nat(index)) }
    }

    static func entry(_ index: Int) -> Flow {
        let kind = index % 10
        let client = IPAddress.v4(0x0a00_0000 | UInt32(index >> 8 & 0xff) << 8 | UInt32(index & 0xff) | 0x0001_0000)
        let server = IPAddress.v4(0x0a2b_0000 | UInt32(index % 50))
        let sport = UInt16(10_000 + index % 50_000)
        let dport: UInt16 = [80, 443, 53, 8080, 9090][index % 5]
        var l4: L4
        var family = IPFamily.ipv4
        var source = client, destination = server
        var state: ProtocolState?
        switch kind {
        case 0, 1, 2, 3:
            l4 = .ports(.tcp, source: sport, destination: dport)
            state = .tcp([TCPState.established, .synSent, .timeWait, .closeWait][index % 4])
        case 4, 5:
            l4 = .ports(.udp, source: sport, destination: dport)
        case 6:
            l4 = .icmp(.icmp, type: 8, code: 0, id: UInt16(truncatingIfNeeded: index))
        case 7:
            l4 = .ports(.tcp, source: sport, destination: dport)
            state = .tcp(.established)
            family = .ipv6
            source = .v6(high: 0xfd00_0000_0000_0001, low: UInt64(index))
            destination = .v6(high: 0xfd00_0000_0000_0002, low: UInt64(index % 50))
        case 8:
            l4 = .ports(.udp, source: sport, destination: dport)
            family = .ipv6
            source = .v6(high: 0xfd00_0000_0000_0001, low: UInt64(index))
            destination = .v6(high: 0xfd00_0000_0000_0002, low: 53)
        default:
            l4 = .ports(.udplite, source: sport, destination: dport)
        }
        let original = Tuple(source: source, destination: destination, l4: l4)
        let reply = Tuple(source: destination, destination: source, l4: inverted(l4))
        let status: ConntrackStatus = index % 3 == 0 ? [.seenReply, .assured] : []
        return Flow(family: family, original: original, reply: reply, status: status, protocolState: state,
                    mark: UInt32(index % 4), zone: index % 7 == 0 ? Zone(id: 2) : nil, timeout: 3600)
    }

    /// Every 20th IPv4 TCP entry is DNAT'ed to a backend, as a service would be.
    static func nat(_ index: Int) -> Endpoint? {
        guard index % 10 < 4, index % 20 == 1 else { return nil }
        return Endpoint(address: .v4(0x0a2a_0000 | UInt32(index % 200)), port: 9090)
    }

    static func inverted(_ l4: L4) -> L4 {
        switch l4 {
        case .ports(let proto, let source, let destination): return .ports(proto, source: destination, destination: source)
        case .icmp(let proto, _, let code, let id): return .icmp(proto, type: proto == .icmp ? 0 : 129, code: code, id: id)
        case .other: return l4
        }
    }
}
