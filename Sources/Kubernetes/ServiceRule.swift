import NetCore

/// A transport protocol as kube-proxy's rules name it (`-p tcp`, `inet_proto` `tcp`).
public enum TransportProtocol: String, Hashable, Sendable, CaseIterable {
    case tcp, udp, sctp
}

/// One kube-proxy rule or map element that captures a service address, reduced to what resolving a
/// service by name needs. The ruleset reader produces these; ``ServiceResolver`` reads only these.
///
/// - iptables mode: a rule of a `KUBE-SERVICES` chain (nat: `-d 10.43.0.10/32 -p tcp -m comment --comment
///   "ns/web:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-…`; filter: the same with
///   `"ns/web:http has no endpoints"` and `-j REJECT`). `target` is the jump target or verdict.
/// - nftables mode (`table ip kube-proxy`): an element of the `service-ips` or `no-endpoint-services` map
///   (`10.43.0.10 . tcp . 80 comment "ns/web:http" : goto service-ULMVA6XW-ns/web/tcp/http`). `target` is
///   the goto chain (`service-…`, `external-…`, `reject-chain`).
public struct ServiceRule: Hashable, Sendable {
    /// The rule's or element's comment, when it has one.
    public var comment: String?
    /// The matched destination address (the ClusterIP, or an external / load-balancer IP).
    public var destination: IPAddress
    public var proto: TransportProtocol
    /// The matched destination port (the service port).
    public var port: UInt16
    /// The jump or goto chain, or the verdict name (`REJECT`, `DROP`).
    public var target: String

    public init(comment: String?, destination: IPAddress, proto: TransportProtocol, port: UInt16, target: String) {
        self.comment = comment
        self.destination = destination
        self.proto = proto
        self.port = port
        self.target = target
    }
}

/// Something that yields kube-proxy's service-capturing rules of one namespace, one at a time so that a
/// node with 20,000 services stays in bounded memory.
///
/// The ruleset reader's adapter implements this over `KUBE-SERVICES` (iptables mode, nat and filter
/// tables) and over the `service-ips` / `no-endpoint-services` maps of `table ip kube-proxy` (nftables
/// mode); tests use ``StaticServiceRules``.
public protocol ServiceRuleSource {
    /// Calls `body` once per service-capturing rule or map element.
    func forEachServiceRule(_ body: (ServiceRule) throws -> Void) throws
}

/// A fixed list of rules, for tests and for callers that already hold them.
public struct StaticServiceRules: ServiceRuleSource, Sendable {
    public var rules: [ServiceRule]

    public init(_ rules: [ServiceRule]) { self.rules = rules }

    public func forEachServiceRule(_ body: (ServiceRule) throws -> Void) throws {
        for rule in rules { try body(rule) }
    }
}
