/// The address family of an nf_tables table (`NFPROTO_*`), as `nft` names it (`ip`, `ip6`, `inet`, …).
///
/// A struct rather than an enum, so that a family a newer kernel adds survives a round trip.
public struct NFTFamily: RawRepresentable, Hashable, Sendable, Encodable, Comparable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Only valid in requests: every family (`NFPROTO_UNSPEC`).
    public static let unspecified = NFTFamily(rawValue: 0)
    public static let inet = NFTFamily(rawValue: 1)
    public static let ip = NFTFamily(rawValue: 2)
    public static let arp = NFTFamily(rawValue: 3)
    public static let netdev = NFTFamily(rawValue: 5)
    public static let bridge = NFTFamily(rawValue: 7)
    public static let ip6 = NFTFamily(rawValue: 10)

    /// The name `nft` uses.
    public var description: String {
        switch self {
        case .unspecified: return "unspec"
        case .inet: return "inet"
        case .ip: return "ip"
        case .arp: return "arp"
        case .netdev: return "netdev"
        case .bridge: return "bridge"
        case .ip6: return "ip6"
        default: return "family(\(rawValue))"
        }
    }

    /// Parses an `nft` family name (`ip`, `ip6`, `inet`, `arp`, `bridge`, `netdev`; `ipv4`/`ipv6` also accepted).
    public init?(name: String) {
        switch name.lowercased() {
        case "ip", "ipv4", "ip4": self = .ip
        case "ip6", "ipv6": self = .ip6
        case "inet": self = .inet
        case "arp": self = .arp
        case "bridge": self = .bridge
        case "netdev": self = .netdev
        default: return nil
        }
    }

    public static func < (lhs: NFTFamily, rhs: NFTFamily) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension NFTFamily {
    /// The tables iptables-nft (and ip6tables-nft) writes: in `ip`/`ip6`, tables with these names hold
    /// iptables rules, whose chains, comments and compat expressions read best in iptables syntax.
    public static let iptablesTableNames: Set<String> = ["filter", "nat", "mangle", "raw", "security"]

    /// Whether `table` of this family is one iptables-nft manages.
    public func holdsIptablesTable(_ table: String) -> Bool {
        (self == .ip || self == .ip6) && NFTFamily.iptablesTableNames.contains(table)
    }
}
