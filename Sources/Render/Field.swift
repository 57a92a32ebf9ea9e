import NFTables

/// A named packet or metadata field as nft prints it (`ip saddr`, `tcp dport`, `meta mark`, `ct state`),
/// with the datatype its constants are printed in.
public struct Field: Hashable, Sendable {
    /// `ip`, `ip6`, `tcp`, `udp`, `th`, `ether`, `icmp`, `meta`, `ct`, `fib`, …; empty for unqualified
    /// meta keys (`iifname`).
    public var protocolName: String
    public var name: String
    public var type: DataType
    /// The field's full length in bytes; a shorter load is a prefix match.
    public var length: Int
    /// What the kernel loads, for renderers that need the raw selector (iptables).
    public var source: Source

    public init(protocolName: String, name: String, type: DataType, length: Int, source: Source) {
        self.protocolName = protocolName
        self.name = name
        self.type = type
        self.length = length
        self.source = source
    }

    /// `ip saddr`, `iifname`, and a raw load as `@nh,16,16`.
    public var text: String {
        if protocolName.isEmpty { return name }
        return protocolName.hasPrefix("@") ? "\(protocolName),\(name)" : "\(protocolName) \(name)"
    }

    /// The kernel selector behind a field.
    public enum Source: Hashable, Sendable {
        case payload(base: PayloadBase, offset: UInt32, length: UInt32)
        case meta(MetaKey)
        case ct(CtKey, direction: UInt8?)
        case other(String)
    }
}

/// The header fields nft knows by name, per protocol: (offset, length, name, datatype).
enum ProtocolFields {
    typealias Entry = (offset: UInt32, length: UInt32, name: String, type: DataType)

    static let ip: [Entry] = [(1, 1, "dscp", .dscp), (2, 2, "length", .networkInteger), (4, 2, "id", .networkInteger),
                              (6, 2, "frag-off", .networkInteger), (8, 1, "ttl", .integer), (9, 1, "protocol", .inetProtocol),
                              (10, 2, "checksum", .networkInteger), (12, 4, "saddr", .ipv4Address), (16, 4, "daddr", .ipv4Address)]
    static let ip6: [Entry] = [(4, 2, "length", .networkInteger), (6, 1, "nexthdr", .inetProtocol), (7, 1, "hoplimit", .integer),
                               (8, 16, "saddr", .ipv6Address), (24, 16, "daddr", .ipv6Address)]
    static let tcp: [Entry] = [(0, 2, "sport", .inetService), (2, 2, "dport", .inetService), (4, 4, "sequence", .networkInteger),
                               (8, 4, "ackseq", .networkInteger), (13, 1, "flags", .tcpFlag), (14, 2, "window", .networkInteger),
                               (16, 2, "checksum", .networkInteger), (18, 2, "urgptr", .networkInteger)]
    static let udp: [Entry] = [(0, 2, "sport", .inetService), (2, 2, "dport", .inetService), (4, 2, "length", .networkInteger),
                               (6, 2, "checksum", .networkInteger)]
    static let th: [Entry] = [(0, 2, "sport", .inetService), (2, 2, "dport", .inetService)]
    static let icmp: [Entry] = [(0, 1, "type", .icmpType), (1, 1, "code", .icmpCode), (2, 2, "checksum", .networkInteger),
                                (4, 2, "id", .networkInteger), (6, 2, "sequence", .networkInteger)]
    static let icmp6: [Entry] = [(0, 1, "type", .icmp6Type), (1, 1, "code", .integer), (2, 2, "checksum", .networkInteger)]
    static let ether: [Entry] = [(0, 6, "daddr", .etherAddress), (6, 6, "saddr", .etherAddress), (12, 2, "type", .etherType)]

    /// The transport protocol's field table by IP protocol number.
    static func transport(_ proto: UInt8?) -> (String, [Entry]) {
        switch proto {
        case 6: return ("tcp", tcp)
        case 17: return ("udp", udp)
        case 1: return ("icmp", icmp)
        case 58: return ("icmpv6", icmp6)
        case 132: return ("sctp", th)
        case 33: return ("dccp", th)
        case 136: return ("udplite", udp)
        default: return ("th", th)
        }
    }

    /// The entry a load of `length` bytes at `offset` reads: exact, or a prefix of a longer field.
    static func lookup(_ table: [Entry], offset: UInt32, length: UInt32) -> Entry? {
        // A shorter load names the field only for addresses (`ip saddr 10.0.0.0/8`, iptables' prefixes);
        // nft prints any other partial load raw (`@ll,0,8 0x3`, not a MAC address or a port).
        table.first { $0.offset == offset && $0.length == length }
            ?? table.first { $0.offset == offset && length < $0.length && ($0.type == .ipv4Address || $0.type == .ipv6Address) }
    }
}

extension Field {
    /// A meta key's field: unqualified for interface keys, as nft prints them.
    static func meta(_ key: MetaKey) -> Field {
        let (type, length): (DataType, Int)
        switch key {
        case .iifname, .oifname, .briIifname, .briOifname, .iifkind, .oifkind: (type, length) = (.ifname, 16)
        case .mark: (type, length) = (.mark, 4)
        case .l4proto: (type, length) = (.inetProtocol, 1)
        case .nfproto: (type, length) = (.nfproto, 1)
        case .protocol: (type, length) = (.etherType, 2)
        case .iif, .oif: (type, length) = (.ifindex, 4)
        case .iiftype, .oiftype: (type, length) = (.arphrd, 2)
        case .skuid: (type, length) = (.uid, 4)
        case .skgid: (type, length) = (.gid, 4)
        case .pkttype: (type, length) = (.pktType, 1)
        case .secpath: (type, length) = (.boolean, 1)
        default: (type, length) = (.integer, 4)
        }
        let unqualified: Set<MetaKey> = [.iif, .oif, .iifname, .oifname, .iifgroup, .oifgroup]
        let names: [MetaKey: String] = [.briIifname: "ibrname", .briOifname: "obrname", .prandom: "random",
                                        .secpath: "ipsec"]
        return Field(protocolName: unqualified.contains(key) ? "" : "meta", name: names[key] ?? key.description,
                     type: type, length: length, source: .meta(key))
    }

    /// A conntrack key's field (`ct state`, `ct original saddr`).
    static func ct(_ key: CtKey, direction: UInt8?, family: NFTFamily = .ip) -> Field {
        let (type, length): (DataType, Int)
        switch key {
        case .state: (type, length) = (.ctState, 4)
        case .status: (type, length) = (.ctStatus, 4)
        case .direction: (type, length) = (.ctDirection, 1)
        case .mark: (type, length) = (.mark, 4)
        case .srcIP, .dstIP: (type, length) = (.ipv4Address, 4)
        case .src, .dst: (type, length) = family == .ip6 ? (.ipv6Address, 16) : (.ipv4Address, 4)
        case .srcIP6, .dstIP6: (type, length) = (.ipv6Address, 16)
        case .protoSrc, .protoDst: (type, length) = (.inetService, 2)
        case .protocol: (type, length) = (.inetProtocol, 1)
        case .l3protocol: (type, length) = (.nfproto, 1)
        case .labels: (type, length) = (.ctLabel, 16)
        case .helper: (type, length) = (.string, 16)
        default: (type, length) = (.integer, 4)
        }
        let names: [CtKey: String] = [.srcIP: "ip saddr", .dstIP: "ip daddr", .srcIP6: "ip6 saddr", .dstIP6: "ip6 daddr",
                                      .src: family == .ip6 ? "ip6 saddr" : "ip saddr",
                                      .dst: family == .ip6 ? "ip6 daddr" : "ip daddr",
                                      .l3protocol: "l3proto", .labels: "label", .protoSrc: "proto-src", .protoDst: "proto-dst"]
        let name = names[key] ?? key.description
        let prefix = direction.map { $0 == 0 ? "original " : "reply " } ?? ""
        return Field(protocolName: "ct", name: prefix + name, type: type, length: length, source: .ct(key, direction: direction))
    }
}
