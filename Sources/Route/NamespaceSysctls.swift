/// The sysctls of one namespace that change what routing does with a packet.
///
/// Read from `/proc/sys/net/...` on a thread inside the namespace (see ``read(in:interfaces:)``), where the
/// kernel shows that namespace's values.
public struct NamespaceSysctls: Hashable, Sendable {
    /// Whether IPv4 packets not addressed to this host are forwarded (`net.ipv4.ip_forward`).
    public var ipv4Forwarding: Bool
    /// Whether IPv6 packets are forwarded (`net.ipv6.conf.all.forwarding`); `nil` when IPv6 is absent.
    public var ipv6Forwarding: Bool?
    /// Reverse-path filtering: 0 off, 1 strict, 2 loose (`net.ipv4.conf.*.rp_filter`).
    public var reversePathFilter: InterfaceSysctl
    /// Whether 127.0.0.0/8 may be routed to and from this interface (`net.ipv4.conf.*.route_localnet`).
    public var routeLocalnet: InterfaceSysctl
    /// Whether bridged IPv4 traffic passes the iptables hooks (`net.bridge.bridge-nf-call-iptables`);
    /// `nil` when `br_netfilter` is not loaded, so the file does not exist.
    public var bridgeCallsIptables: Bool?

    /// Creates a set of values, as tests and fakes need; read real ones with ``read(in:interfaces:)``.
    public init(ipv4Forwarding: Bool, ipv6Forwarding: Bool?, reversePathFilter: InterfaceSysctl,
                routeLocalnet: InterfaceSysctl, bridgeCallsIptables: Bool?) {
        self.ipv4Forwarding = ipv4Forwarding
        self.ipv6Forwarding = ipv6Forwarding
        self.reversePathFilter = reversePathFilter
        self.routeLocalnet = routeLocalnet
        self.bridgeCallsIptables = bridgeCallsIptables
    }

    /// The rp_filter mode the kernel applies on an interface: the larger of `all` and the interface's own
    /// value (`IN_DEV_RPFILTER` is `IN_DEV_MAXCONF`). `nil` for an interface that was not read.
    public func effectiveReversePathFilter(on interface: String) -> Int? {
        reversePathFilter.interfaces[interface].map { max($0, reversePathFilter.all) }
    }

    /// Whether route_localnet is in effect on an interface: `all` or the interface's own value
    /// (`IN_DEV_ROUTE_LOCALNET` is `IN_DEV_ORCONF`). `nil` for an interface that was not read.
    public func effectiveRouteLocalnet(on interface: String) -> Bool? {
        routeLocalnet.interfaces[interface].map { $0 != 0 || routeLocalnet.all != 0 }
    }
}

/// One per-interface IPv4 sysctl: its `all`, `default` and per-interface values
/// (`net.ipv4.conf.{all,default,IFACE}.NAME`).
public struct InterfaceSysctl: Hashable, Sendable {
    /// `conf/all`: combined with each interface's value by a rule that depends on the setting.
    public var all: Int
    /// `conf/default`: what new interfaces start with.
    public var `default`: Int
    /// Each interface's own value, by interface name.
    public var interfaces: [String: Int]

    /// Creates a setting from its `all`, `default` and per-interface values.
    public init(all: Int, default: Int, interfaces: [String: Int] = [:]) {
        self.all = all
        self.default = `default`
        self.interfaces = interfaces
    }
}
