import NetCore

/// One entry of a routing table (`RTM_NEWROUTE`, `struct rtmsg` plus `RTA_*`), IPv4 or IPv6.
///
/// A route matches packets whose destination lies in ``destination`` (and, for IPv6 source routing, whose
/// source lies in ``source``); ``type`` says what a match does: forward (`unicast`), deliver locally
/// (`local`), drop (`blackhole`, `unreachable`, `prohibit`) or leave the table (`throw`).
public struct Route: Hashable, Sendable {
    /// IPv4 or IPv6 (`rtm_family`).
    public var family: IPFamily
    /// The table the route lives in (`RTA_TABLE`, which carries ids above 255; else `rtm_table`).
    public var table: RouteTable
    /// What a match does (`rtm_type`).
    public var type: RouteType
    /// Who installed it (`rtm_protocol`): `kernel`, `boot`, `static`, `bgp`, …
    public var `protocol`: RouteProtocol
    /// How far the destination is (`rtm_scope`): `link` for directly connected, `host` for local.
    public var scope: RouteScope
    /// The destination prefix (`RTA_DST` with `rtm_dst_len`); `0.0.0.0/0` or `::/0` for a default route.
    public var destination: IPPrefix
    /// The source prefix of an IPv6 source-specific route (`RTA_SRC` with `rtm_src_len`).
    public var source: IPPrefix?
    /// The TOS/DSCP the route is restricted to, 0 for any (`rtm_tos`).
    public var tos: UInt8
    /// The next-hop gateway of a single-path route (`RTA_GATEWAY`, or `RTA_VIA` for an IPv4 route via an
    /// IPv6 gateway).
    public var gateway: IPAddress?
    /// The output interface index of a single-path route (`RTA_OIF`).
    public var outputInterface: Int32?
    /// The input interface index; only on cached and multicast routes (`RTA_IIF`).
    public var inputInterface: Int32?
    /// The source address preferred for locally generated packets (`RTA_PREFSRC`).
    public var preferredSource: IPAddress?
    /// The metric; lower wins among equal prefixes (`RTA_PRIORITY`).
    public var priority: UInt32?
    /// The firewall mark of a cached route lookup (`RTA_MARK`).
    public var mark: UInt32?
    /// `RTNH_F_*` and `RTM_F_*` flags (`rtm_flags`): `onlink`, `linkdown`, `dead`, …
    public var flags: RouteFlags
    /// The paths of a multipath (ECMP) route (`RTA_MULTIPATH`); empty for a single-path route.
    public var nexthops: [Nexthop]
    /// The id of a nexthop object the route uses instead of inline next hops (`RTA_NH_ID`, kernel 5.3+).
    public var nexthopID: UInt32?
    /// Route metrics by `RTAX_*` number (`RTA_METRICS`): MTU, window, advmss, …
    public var metrics: [UInt16: UInt32]
    /// The IPv6 router preference (`RTA_PREF`).
    public var preference: UInt8?
    /// The lightweight-tunnel encapsulation type, when the route encapsulates (`RTA_ENCAP_TYPE`).
    public var encapsulationType: UInt16?
    /// The routing realm (`RTA_FLOW`).
    public var realm: UInt32?
    /// Attributes nfscope does not model, kept so that a reader can tell the route has more to it.
    public var unknownAttributes: [RawAttribute]

    /// The path MTU metric (`RTAX_MTU`), when set.
    public var mtu: UInt32? { metrics[2] }

    /// Creates a route, as tests and fakes need; readers decode them with `init(decoding:)`.
    public init(family: IPFamily, table: RouteTable = .main, type: RouteType = .unicast,
                protocol: RouteProtocol = .boot, scope: RouteScope = .universe, destination: IPPrefix,
                source: IPPrefix? = nil, tos: UInt8 = 0, gateway: IPAddress? = nil, outputInterface: Int32? = nil,
                inputInterface: Int32? = nil, preferredSource: IPAddress? = nil, priority: UInt32? = nil,
                mark: UInt32? = nil, flags: RouteFlags = [], nexthops: [Nexthop] = [], nexthopID: UInt32? = nil,
                metrics: [UInt16: UInt32] = [:], preference: UInt8? = nil, encapsulationType: UInt16? = nil,
                realm: UInt32? = nil, unknownAttributes: [RawAttribute] = []) {
        self.family = family
        self.table = table
        self.type = type
        self.protocol = `protocol`
        self.scope = scope
        self.destination = destination
        self.source = source
        self.tos = tos
        self.gateway = gateway
        self.outputInterface = outputInterface
        self.inputInterface = inputInterface
        self.preferredSource = preferredSource
        self.priority = priority
        self.mark = mark
        self.flags = flags
        self.nexthops = nexthops
        self.nexthopID = nexthopID
        self.metrics = metrics
        self.preference = preference
        self.encapsulationType = encapsulationType
        self.realm = realm
        self.unknownAttributes = unknownAttributes
    }
}

/// One path of a multipath route (`struct rtnexthop` plus its attributes).
public struct Nexthop: Hashable, Sendable {
    /// The output interface index (`rtnh_ifindex`).
    public var interfaceIndex: Int32
    /// The gateway (`RTA_GATEWAY` or `RTA_VIA` inside the nexthop).
    public var gateway: IPAddress?
    /// The relative weight, `rtnh_hops + 1` as `ip route` prints it.
    public var weight: Int
    /// `RTNH_F_*` flags (`rtnh_flags`).
    public var flags: RouteFlags
    /// The routing realm (`RTA_FLOW`).
    public var realm: UInt32?
    /// The lightweight-tunnel encapsulation type (`RTA_ENCAP_TYPE`).
    public var encapsulationType: UInt16?

    /// Creates a next hop; `weight` is 1 unless the route says otherwise.
    public init(interfaceIndex: Int32, gateway: IPAddress? = nil, weight: Int = 1, flags: RouteFlags = [],
                realm: UInt32? = nil, encapsulationType: UInt16? = nil) {
        self.interfaceIndex = interfaceIndex
        self.gateway = gateway
        self.weight = weight
        self.flags = flags
        self.realm = realm
        self.encapsulationType = encapsulationType
    }
}

/// Route and next-hop flags: `RTNH_F_*` in the low byte, `RTM_F_*` above (`rtm_flags`, `rtnh_flags`).
public struct RouteFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The next hop is dead, for example its link is down with `ignore_routes_with_linkdown` (`RTNH_F_DEAD`).
    public static let dead = RouteFlags(rawValue: 0x1)
    public static let pervasive = RouteFlags(rawValue: 0x2)    // RTNH_F_PERVASIVE
    /// The gateway is taken as directly reachable on the interface (`RTNH_F_ONLINK`).
    public static let onLink = RouteFlags(rawValue: 0x4)
    public static let offload = RouteFlags(rawValue: 0x8)      // RTNH_F_OFFLOAD
    /// The next hop's carrier is down (`RTNH_F_LINKDOWN`).
    public static let linkDown = RouteFlags(rawValue: 0x10)
    public static let unresolved = RouteFlags(rawValue: 0x20)  // RTNH_F_UNRESOLVED
    public static let trap = RouteFlags(rawValue: 0x40)        // RTNH_F_TRAP
    public static let notify = RouteFlags(rawValue: 0x100)     // RTM_F_NOTIFY
    /// A cached (cloned) route, not a FIB entry (`RTM_F_CLONED`).
    public static let cloned = RouteFlags(rawValue: 0x200)

    /// The next-hop flag names `ip route` prints (`dead`, `onlink`, `linkdown`, …), in its order.
    public var names: [String] {
        let table: [(UInt32, String)] = [
            (0x1, "dead"), (0x2, "pervasive"), (0x4, "onlink"), (0x8, "offload"), (0x40, "trap"),
            (0x20, "unresolved"), (0x10, "linkdown"),
        ]
        return table.filter { rawValue & $0.0 != 0 }.map(\.1)
    }
}

/// An attribute a decoder met but does not model: its type and payload bytes.
public struct RawAttribute: Hashable, Sendable {
    /// The attribute type, flags removed.
    public var type: UInt16
    /// The payload without padding.
    public var bytes: [UInt8]

    /// Creates a raw attribute.
    public init(type: UInt16, bytes: [UInt8]) {
        self.type = type
        self.bytes = bytes
    }
}
