import NetCore

/// A connection tuple: addresses, layer-4 protocol and its keys (`struct nf_conntrack_tuple`,
/// `CTA_TUPLE_IP` and `CTA_TUPLE_PROTO`).
public struct Tuple: Hashable, Sendable {
    /// Source address (`CTA_IP_V4_SRC` or `CTA_IP_V6_SRC`).
    public var source: IPAddress
    /// Destination address (`CTA_IP_V4_DST` or `CTA_IP_V6_DST`).
    public var destination: IPAddress
    /// The layer-4 protocol and its keys (`CTA_TUPLE_PROTO`).
    public var l4: L4
    /// The zone this direction is in, when the zone is directional (`CTA_TUPLE_ZONE`).
    public var zone: UInt16?

    public init(source: IPAddress, destination: IPAddress, l4: L4, zone: UInt16? = nil) {
        self.source = source
        self.destination = destination
        self.l4 = l4
        self.zone = zone
    }

    /// The source port, for protocols that have ports (GRE keys count as ports, as in the kernel).
    public var sourcePort: UInt16? { l4.sourcePort }
    /// The destination port, for protocols that have ports.
    public var destinationPort: UInt16? { l4.destinationPort }
}

/// The layer-4 part of a tuple.
public enum L4: Hashable, Sendable {
    /// TCP, UDP, UDPLITE, SCTP, DCCP and GRE: two 16-bit keys (`CTA_PROTO_SRC_PORT`, `CTA_PROTO_DST_PORT`).
    case ports(L4Protocol, source: UInt16, destination: UInt16)
    /// ICMP or ICMPv6: type, code and identifier (`CTA_PROTO_ICMP_*`, `CTA_PROTO_ICMPV6_*`).
    case icmp(L4Protocol, type: UInt8, code: UInt8, id: UInt16)
    /// Any other protocol: only its number is tracked (the generic tracker).
    case other(L4Protocol)

    /// The protocol number (`CTA_PROTO_NUM`).
    public var protocolNumber: L4Protocol {
        switch self {
        case .ports(let proto, _, _), .icmp(let proto, _, _, _), .other(let proto): return proto
        }
    }

    public var sourcePort: UInt16? {
        if case .ports(_, let source, _) = self { return source }
        return nil
    }

    public var destinationPort: UInt16? {
        if case .ports(_, _, let destination) = self { return destination }
        return nil
    }
}

/// An IP protocol number, with names for the ones conntrack tracks. Unknown numbers survive.
public struct L4Protocol: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let icmp = L4Protocol(rawValue: 1)
    public static let tcp = L4Protocol(rawValue: 6)
    public static let udp = L4Protocol(rawValue: 17)
    public static let dccp = L4Protocol(rawValue: 33)
    public static let gre = L4Protocol(rawValue: 47)
    public static let icmpv6 = L4Protocol(rawValue: 58)
    public static let sctp = L4Protocol(rawValue: 132)
    public static let udplite = L4Protocol(rawValue: 136)

    /// The name `conntrack` prints: `tcp`, `udp`, …, or `unknown` for the generic tracker.
    public var name: String {
        switch self {
        case .icmp: return "icmp"
        case .tcp: return "tcp"
        case .udp: return "udp"
        case .dccp: return "dccp"
        case .gre: return "gre"
        case .icmpv6: return "icmpv6"
        case .sctp: return "sctp"
        case .udplite: return "udplite"
        default: return "unknown"
        }
    }

    /// Whether tuples of this protocol carry two 16-bit keys.
    public var hasPorts: Bool { [.tcp, .udp, .udplite, .sctp, .dccp, .gre].contains(self) }

    /// Parses a name (`tcp`, `icmpv6`, …) or a number.
    public init?(_ text: String) {
        let lowered = text.lowercased()
        if let number = UInt8(lowered) { self.init(rawValue: number); return }
        let named: [L4Protocol] = [.icmp, .tcp, .udp, .dccp, .gre, .icmpv6, .sctp, .udplite]
        guard let match = named.first(where: { $0.name == lowered }) else {
            if lowered == "ipv6-icmp" { self = .icmpv6; return }
            return nil
        }
        self = match
    }

    public var description: String { name == "unknown" ? "proto \(rawValue)" : name }
}
