/// The kind of a route, which decides what a match does with the packet (`rtm_type`, `RTN_*`).
///
/// A struct rather than an enum so that a value a newer kernel adds survives decoding and printing.
public struct RouteType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let unspecified = RouteType(rawValue: 0)   // RTN_UNSPEC
    /// A gateway or a directly connected route (`RTN_UNICAST`).
    public static let unicast = RouteType(rawValue: 1)
    /// Delivered locally (`RTN_LOCAL`), the local table's addresses.
    public static let local = RouteType(rawValue: 2)
    /// Delivered locally as broadcast, sent as broadcast (`RTN_BROADCAST`).
    public static let broadcast = RouteType(rawValue: 3)
    /// Delivered locally as broadcast, sent as unicast (`RTN_ANYCAST`).
    public static let anycast = RouteType(rawValue: 4)
    public static let multicast = RouteType(rawValue: 5)     // RTN_MULTICAST
    /// Silently dropped (`RTN_BLACKHOLE`).
    public static let blackhole = RouteType(rawValue: 6)
    /// Dropped with "network unreachable" (`RTN_UNREACHABLE`).
    public static let unreachable = RouteType(rawValue: 7)
    /// Dropped with "administratively prohibited" (`RTN_PROHIBIT`).
    public static let prohibit = RouteType(rawValue: 8)
    /// Not in this table: the lookup continues with the next policy rule (`RTN_THROW`).
    public static let `throw` = RouteType(rawValue: 9)
    public static let nat = RouteType(rawValue: 10)          // RTN_NAT
    public static let externalResolve = RouteType(rawValue: 11) // RTN_XRESOLVE

    /// The name `ip route` prints (`unicast`, `blackhole`, …), or the number for an unknown type.
    public var description: String {
        let names = ["unspec", "unicast", "local", "broadcast", "anycast", "multicast", "blackhole",
                     "unreachable", "prohibit", "throw", "nat", "xresolve"]
        return Int(rawValue) < names.count ? names[Int(rawValue)] : String(rawValue)
    }
}

/// Who installed a route, rule or address (`rtm_protocol`, `RTPROT_*`); values from 5 up are only labels.
public struct RouteProtocol: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let unspecified = RouteProtocol(rawValue: 0) // RTPROT_UNSPEC
    public static let redirect = RouteProtocol(rawValue: 1)    // RTPROT_REDIRECT
    /// Added by the kernel itself, for example for an address's prefix (`RTPROT_KERNEL`).
    public static let kernel = RouteProtocol(rawValue: 2)
    /// Added by a user or a boot script without a protocol (`RTPROT_BOOT`), what `ip route add` uses.
    public static let boot = RouteProtocol(rawValue: 3)
    public static let `static` = RouteProtocol(rawValue: 4)    // RTPROT_STATIC
    public static let routerAdvertisement = RouteProtocol(rawValue: 9) // RTPROT_RA
    public static let zebra = RouteProtocol(rawValue: 11)      // RTPROT_ZEBRA
    public static let bird = RouteProtocol(rawValue: 12)       // RTPROT_BIRD
    public static let dhcp = RouteProtocol(rawValue: 16)       // RTPROT_DHCP
    public static let keepalived = RouteProtocol(rawValue: 18) // RTPROT_KEEPALIVED
    public static let babel = RouteProtocol(rawValue: 42)      // RTPROT_BABEL
    public static let bgp = RouteProtocol(rawValue: 186)       // RTPROT_BGP
    public static let isis = RouteProtocol(rawValue: 187)      // RTPROT_ISIS
    public static let ospf = RouteProtocol(rawValue: 188)      // RTPROT_OSPF
    public static let rip = RouteProtocol(rawValue: 189)       // RTPROT_RIP

    static let names: [UInt8: String] = [
        0: "unspec", 1: "redirect", 2: "kernel", 3: "boot", 4: "static", 8: "gated", 9: "ra", 10: "mrt",
        11: "zebra", 12: "bird", 13: "dnrouted", 14: "xorp", 15: "ntk", 16: "dhcp", 17: "mrouted",
        18: "keepalived", 42: "babel", 99: "openr", 186: "bgp", 187: "isis", 188: "ospf", 189: "rip", 192: "eigrp",
    ]

    /// The name `ip route` prints (from `/etc/iproute2/rt_protos` defaults), or the number.
    public var description: String { RouteProtocol.names[rawValue] ?? String(rawValue) }
}

/// How far a route or address reaches (`rtm_scope`, `ifa_scope`, `RT_SCOPE_*`).
public struct RouteScope: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Anywhere (`RT_SCOPE_UNIVERSE`); gateway routes.
    public static let universe = RouteScope(rawValue: 0)
    public static let site = RouteScope(rawValue: 200)      // RT_SCOPE_SITE
    /// On the attached link only (`RT_SCOPE_LINK`); directly connected routes.
    public static let link = RouteScope(rawValue: 253)
    /// On this host only (`RT_SCOPE_HOST`); local routes, loopback addresses.
    public static let host = RouteScope(rawValue: 254)
    public static let nowhere = RouteScope(rawValue: 255)   // RT_SCOPE_NOWHERE

    /// The name `ip` prints (`global`, `link`, `host`, …), or the number.
    public var description: String {
        switch rawValue {
        case 0: return "global"
        case 200: return "site"
        case 253: return "link"
        case 254: return "host"
        case 255: return "nowhere"
        default: return String(rawValue)
        }
    }
}

/// A routing table id (`RTA_TABLE`, or `rtm_table` for ids up to 255; `RT_TABLE_*`).
public struct RouteTable: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let unspecified = RouteTable(rawValue: 0)   // RT_TABLE_UNSPEC
    /// What `rtm_table` says for ids above 255; the real id is in `RTA_TABLE` (`RT_TABLE_COMPAT`).
    public static let compat = RouteTable(rawValue: 252)
    public static let `default` = RouteTable(rawValue: 253)   // RT_TABLE_DEFAULT
    /// The table `ip route` shows by default (`RT_TABLE_MAIN`).
    public static let main = RouteTable(rawValue: 254)
    /// Local, broadcast and anycast addresses, consulted first (`RT_TABLE_LOCAL`).
    public static let local = RouteTable(rawValue: 255)

    public static func < (lhs: RouteTable, rhs: RouteTable) -> Bool { lhs.rawValue < rhs.rawValue }

    /// `main`, `local`, `default`, or the number, as `ip route` prints them without `/etc/iproute2/rt_tables`.
    public var description: String {
        switch rawValue {
        case 253: return "default"
        case 254: return "main"
        case 255: return "local"
        default: return String(rawValue)
        }
    }
}
