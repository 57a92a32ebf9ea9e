import NetCore
import NFTables

/// Runs one base chain (and the chains it jumps to) on a packet. The interpreter is the reference; a
/// compiled matcher implements the same protocol so the two can be run against each other.
public protocol ChainEvaluator: Sendable {
    func run(_ chain: Chain, packet: inout Packet, context: HookContext) -> ChainResult
}

/// How a base chain ended.
public enum ChainVerdict: Hashable, Sendable {
    case accept
    case drop
    /// Dropped, and an ICMP error or TCP reset sent back.
    case reject(RejectKind)
    /// Accepted with a NAT mapping for the connection (nat expressions and NAT targets accept).
    case nat(NatAction)
    /// Handed to user space or stolen: the simulator cannot follow it.
    case unfollowable(String)
}

/// The answer a reject sends.
public enum RejectKind: Hashable, Sendable, CustomStringConvertible {
    case tcpReset
    case icmpPortUnreachable
    /// Host/net unreachable, no route, administratively prohibited: the sender sees `unreachable`.
    case icmpUnreachable(String)

    public var description: String {
        switch self {
        case .tcpReset: return "tcp reset"
        case .icmpPortUnreachable: return "icmp port-unreachable"
        case .icmpUnreachable(let name): return "icmp \(name)"
        }
    }
}

/// A NAT mapping: which side, and to what (nil keeps the address or port).
public struct NatAction: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable { case dnat, snat, masquerade, redirect }
    public var kind: Kind
    public var address: IPAddress?
    public var port: UInt16?

    public init(kind: Kind, address: IPAddress? = nil, port: UInt16? = nil) {
        self.kind = kind
        self.address = address
        self.port = port
    }

    /// Destination NAT (dnat, redirect) or source NAT (snat, masquerade).
    public var isDestination: Bool { kind == .dnat || kind == .redirect }

    public var description: String {
        var text = kind.rawValue
        if let address { text += " to \(address)" }
        if let port { text += (address == nil ? " to :" : ":") + "\(port)" }
        return text
    }
}

/// The result of a base chain: its verdict and the rule (or policy) that gave it.
public struct ChainResult: Hashable, Sendable {
    public var verdict: ChainVerdict
    public var rule: RuleReference?

    public init(verdict: ChainVerdict, rule: RuleReference?) {
        self.verdict = verdict
        self.rule = rule
    }
}

/// What a chain run needs besides the packet: the namespace (for fib, addrtype, sets), the hook, and the
/// trail that collects steps, warnings and random choices across the whole path.
public final class HookContext {
    let namespace: NamespaceModel
    let index: RulesetIndex
    let router: Router
    public let hook: Hook
    let trail: Trail

    init(namespace: NamespaceModel, index: RulesetIndex, router: Router, hook: Hook, trail: Trail) {
        self.namespace = namespace
        self.index = index
        self.router = router
        self.hook = hook
        self.trail = trail
    }

    func reference(_ rule: Rule) -> RuleReference {
        RuleReference(namespace: namespace.name, backend: index.backend(family: rule.family, table: rule.table),
                      family: rule.family, table: rule.table, chain: rule.chain, handle: rule.handle)
    }

    func record(_ rule: Rule?, chain: Chain, effect: String) {
        let reference = rule.map(reference) ?? RuleReference(
            namespace: namespace.name, backend: index.backend(family: chain.family, table: chain.table),
            family: chain.family, table: chain.table, chain: chain.name, handle: nil)
        let text = rule.flatMap { trail.render?($0, index.snapshot.structure) }
        trail.steps.append(Step(namespace: namespace.name, hook: hook.name(in: chain.family), rule: reference,
                                text: text, effect: effect))
    }
}

/// What one simulated run collects: steps, warnings, and the branch cursor shared by all its chain runs.
final class Trail {
    let cursor: BranchCursor
    let render: RuleRenderer?
    var steps: [Step] = []
    var warnings: [String] = []
    var conntrack = ConntrackFindings()

    init(cursor: BranchCursor, render: RuleRenderer?) {
        self.cursor = cursor
        self.render = render
    }

    func warn(_ text: String) {
        if !warnings.contains(text) { warnings.append(text) }
    }
}
