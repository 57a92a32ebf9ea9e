import NetCore

/// The transport protocols the simulator synthesises headers for.
public enum TransportProtocol: String, Hashable, Sendable, Codable, CaseIterable {
    case tcp, udp, icmp

    /// The IP protocol number (`IPPROTO_*`); ICMPv6 for an IPv6 `icmp` packet.
    public func number(in family: IPFamily) -> UInt8 {
        switch self {
        case .tcp: return 6
        case .udp: return 17
        case .icmp: return family == .ipv4 ? 1 : 58
        }
    }
}

/// One packet as netfilter sees it at a point of its path: the header fields rules can match, the
/// interfaces, the mark, and the conntrack view (state, status, tuples) of its connection.
public struct Packet: Hashable, Sendable {
    public var family: IPFamily
    public var proto: TransportProtocol
    public var source: IPAddress
    public var destination: IPAddress
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    /// The interface it arrived on (`nil` for a locally generated packet).
    public var inputInterface: String?
    /// The interface it leaves through, once routing chose one.
    public var outputInterface: String?
    /// `skb->mark`.
    public var mark: UInt32
    /// TCP flags of the synthesised header (SYN for a new connection).
    public var tcpFlags: UInt8
    /// The connection as conntrack sees it in the current namespace.
    public var conntrack: ConntrackView
    /// For an ICMP error, the header of the packet it answers (conntrack matches and un-NATs by it).
    public var embedded: FlowTuple?

    public init(family: IPFamily, proto: TransportProtocol, source: IPAddress, destination: IPAddress,
                sourcePort: UInt16, destinationPort: UInt16, inputInterface: String? = nil,
                outputInterface: String? = nil, mark: UInt32 = 0, tcpFlags: UInt8 = TCPFlags.syn,
                conntrack: ConntrackView = ConntrackView()) {
        self.family = family
        self.proto = proto
        self.source = source
        self.destination = destination
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.inputInterface = inputInterface
        self.outputInterface = outputInterface
        self.mark = mark
        self.tcpFlags = tcpFlags
        self.conntrack = conntrack
    }

    /// The packet's own tuple.
    public var tuple: FlowTuple {
        FlowTuple(source: source, destination: destination, sourcePort: sourcePort, destinationPort: destinationPort,
                  proto: proto)
    }

    /// `source:port -> destination:port proto`.
    public var summary: String {
        "\(proto) \(FlowTuple.endpoint(source, sourcePort)) -> \(FlowTuple.endpoint(destination, destinationPort))"
    }
}

/// TCP header flag bits.
public enum TCPFlags {
    public static let fin: UInt8 = 0x01
    public static let syn: UInt8 = 0x02
    public static let rst: UInt8 = 0x04
    public static let ack: UInt8 = 0x10
}

/// An address/port 5-tuple (conntrack's `nf_conntrack_tuple`).
public struct FlowTuple: Hashable, Sendable, CustomStringConvertible {
    public var source: IPAddress
    public var destination: IPAddress
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var proto: TransportProtocol

    public init(source: IPAddress, destination: IPAddress, sourcePort: UInt16, destinationPort: UInt16,
                proto: TransportProtocol) {
        self.source = source
        self.destination = destination
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.proto = proto
    }

    /// The tuple of the other direction.
    public var inverted: FlowTuple {
        FlowTuple(source: destination, destination: source, sourcePort: destinationPort, destinationPort: sourcePort,
                  proto: proto)
    }

    public var description: String {
        "\(proto) \(FlowTuple.endpoint(source, sourcePort)) -> \(FlowTuple.endpoint(destination, destinationPort))"
    }

    static func endpoint(_ address: IPAddress, _ port: UInt16) -> String {
        address.family == .ipv6 ? "[\(address)]:\(port)" : "\(address):\(port)"
    }
}

/// The conntrack view of a packet: what `ct state`, `ct status`, `ct mark`, `ct direction` and the
/// `ct original/reply` keys load.
public struct ConntrackView: Hashable, Sendable {
    /// `ct state` bits (`NF_CT_STATE_BIT`).
    public var state: ConntrackState
    /// `ct status` bits (`IPS_*`).
    public var status: UInt32
    public var mark: UInt32
    /// `true` for a packet of the reply direction.
    public var isReply: Bool
    /// The tuples, when the packet is tracked.
    public var original: FlowTuple?
    public var reply: FlowTuple?

    public init(state: ConntrackState = .new, status: UInt32 = 0, mark: UInt32 = 0, isReply: Bool = false,
                original: FlowTuple? = nil, reply: FlowTuple? = nil) {
        self.state = state
        self.status = status
        self.mark = mark
        self.isReply = isReply
        self.original = original
        self.reply = reply
    }

    /// `IPS_SRC_NAT` and `IPS_DST_NAT`.
    public static let statusSourceNAT: UInt32 = 0x10
    public static let statusDestinationNAT: UInt32 = 0x20
    public static let statusSeenReply: UInt32 = 0x2
}

/// `ct state` as the kernel loads it: one bit per `ip_conntrack_info` (`NF_CT_STATE_BIT`), plus invalid and
/// untracked.
public struct ConntrackState: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let invalid = ConntrackState(rawValue: 1)
    public static let established = ConntrackState(rawValue: 2)
    public static let related = ConntrackState(rawValue: 4)
    public static let new = ConntrackState(rawValue: 8)
    public static let untracked = ConntrackState(rawValue: 64)

    public var description: String {
        [(Self.invalid, "invalid"), (.established, "established"), (.related, "related"), (.new, "new"),
         (.untracked, "untracked")].filter { contains($0.0) }.map(\.1).joined(separator: ",")
    }
}
