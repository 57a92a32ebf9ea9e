import NetCore
import NFTables
import Route

/// Everything the simulator knows about one network namespace: its nf_tables ruleset, its links,
/// addresses, routes and policy rules, its routing sysctls, its listening sockets, and where its veths lead.
///
/// Built from the live kernel by `NFScope`'s reader, or by hand in unit tests.
public struct NamespaceModel: Sendable {
    /// The name steps and outcomes use (`client`, `pid 4242`, a path).
    public var name: String
    public var ruleset: RulesetSnapshot
    public var routes: RouteSnapshot
    public var sysctls: NamespaceSysctls
    /// Sockets that accept connections or datagrams.
    public var listeners: [Listener]
    /// Interface index → the other end of its veth, when that end is known.
    public var peers: [Int32: InterfaceEndpoint]
    /// Things the reader could not see (tc/XDP programs, IPVS, bridge-family chains, …).
    public var blindSpots: [String]
    /// Where rules come from when they are read lazily (only the chains a packet reaches); when nil, the
    /// rules are those of `ruleset`.
    public var ruleSource: (any RuleSource)?
    /// The namespace's iptables-legacy tables, run at their hooks next to the nf_tables chains.
    public var legacy = LegacyRuleset()

    public init(name: String, ruleset: RulesetSnapshot = RulesetSnapshot(structure: RulesetStructure(), rules: []),
                routes: RouteSnapshot, sysctls: NamespaceSysctls = .defaults, listeners: [Listener] = [],
                peers: [Int32: InterfaceEndpoint] = [:], blindSpots: [String] = []) {
        self.name = name
        self.ruleset = ruleset
        self.routes = routes
        self.sysctls = sysctls
        self.listeners = listeners
        self.peers = peers
        self.blindSpots = blindSpots
    }

    /// The interface name of an index.
    func interfaceName(_ index: Int32) -> String? { routes.link(index: index)?.name }

    /// Whether an address is assigned to an interface of this namespace.
    func owns(_ address: IPAddress) -> Bool { routes.addresses.contains { $0.local == address } }
}

/// Rules read on demand, one chain at a time: a trace reads base chains and the chains the packet jumps
/// to, not the whole ruleset (a whole-ruleset dump costs the kernel far more on kube-proxy-sized tables).
public protocol RuleSource: Sendable {
    func rules(of chain: Chain) -> [Rule]
    /// The rules of a chain that may match `packet`, in order. A source may leave out a rule only when it
    /// cannot match the packet and would have had no effect: a rule whose leading exact matches on
    /// (destination, protocol, destination port) name another key (``RuleKey``). By default every rule.
    func rules(of chain: Chain, for packet: Packet) -> [Rule]
}

extension RuleSource {
    public func rules(of chain: Chain, for packet: Packet) -> [Rule] { rules(of: chain) }
}

/// A socket waiting for traffic: TCP in LISTEN, or a bound UDP socket.
public struct Listener: Hashable, Sendable {
    public var proto: TransportProtocol
    /// The bound address; the unspecified address means all of the family. An IPv6 socket bound to a
    /// v4-mapped address (`::ffff:10.0.0.1`) takes IPv4 traffic to that address.
    public var address: IPAddress
    public var port: UInt16
    /// `SO_BINDTODEVICE`: the only interface (by index) the socket takes traffic from; nil for any.
    public var boundInterface: Int32?
    /// `IPV6_V6ONLY` on an IPv6 socket: an IPv6 wildcard socket without it takes IPv4 too (dual stack).
    public var v6Only: Bool

    public init(proto: TransportProtocol, address: IPAddress, port: UInt16, boundInterface: Int32? = nil,
                v6Only: Bool = false) {
        self.proto = proto
        self.address = address
        self.port = port
        self.boundInterface = boundInterface
        self.v6Only = v6Only
    }

    /// Whether a packet to `destination:port` that arrived on interface `arrival` (an index; nil when not
    /// known, which device-bound sockets do not accept) reaches this socket.
    func accepts(_ proto: TransportProtocol, _ destination: IPAddress, _ port: UInt16, arrival: Int32?) -> Bool {
        guard proto == self.proto, port == self.port else { return false }
        if let boundInterface, boundInterface != arrival { return false }
        if address == destination { return true }
        if address == .unspecified(.ipv4) { return destination.family == .ipv4 }
        if address == .unspecified(.ipv6) { return destination.family == .ipv6 || !v6Only }
        // A v4-mapped bind (`::ffff:a.b.c.d`) is the IPv4 address for the socket lookup.
        guard destination.family == .ipv4, address.family == .ipv6 else { return false }
        let bytes = address.networkBytes
        return bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xff && bytes[11] == 0xff
            && Array(bytes[12..<16]) == destination.networkBytes
    }
}

/// One end of a link: a namespace (by model name) and an interface index in it.
public struct InterfaceEndpoint: Hashable, Sendable {
    public var namespace: String
    public var interfaceIndex: Int32

    public init(namespace: String, interfaceIndex: Int32) {
        self.namespace = namespace
        self.interfaceIndex = interfaceIndex
    }
}

/// The namespaces a packet may cross, by name.
public struct NetworkModel: Sendable {
    public var namespaces: [String: NamespaceModel]

    public init(_ namespaces: [NamespaceModel] = []) {
        self.namespaces = Dictionary(namespaces.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Records that interface `a` of namespace `first` and interface `b` of `second` are the two ends of a veth.
    public mutating func connectVeth(_ first: String, _ a: Int32, _ second: String, _ b: Int32) {
        namespaces[first]?.peers[a] = InterfaceEndpoint(namespace: second, interfaceIndex: b)
        namespaces[second]?.peers[b] = InterfaceEndpoint(namespace: first, interfaceIndex: a)
    }
}

extension NamespaceSysctls {
    /// A fresh namespace's values: forwarding off, rp_filter 0, route_localnet 0, bridge-nf-call-iptables off.
    public static let defaults = NamespaceSysctls(
        ipv4Forwarding: false, ipv6Forwarding: false, reversePathFilter: InterfaceSysctl(all: 0, default: 0),
        routeLocalnet: InterfaceSysctl(all: 0, default: 0), bridgeCallsIptables: nil)
}
