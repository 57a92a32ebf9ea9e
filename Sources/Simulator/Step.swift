import NFTables

/// The final netfilter verdict for the packet (not to be confused with `NFTables.Verdict`, a rule's verdict).
public enum PacketVerdict: String, Hashable, Sendable, Codable {
    case accept, drop, reject
    /// Routing, not a rule, decided (no route, forwarding off, reverse-path filter).
    case routing
}

/// A rule (or a chain policy, when `handle` is nil) that a step refers to.
public struct RuleReference: Hashable, Sendable {
    public var namespace: String
    /// `iptables-nft` when the table is one iptables-nft manages, otherwise `nftables`.
    public var backend: String
    public var family: NFTFamily
    public var table: String
    public var chain: String
    public var handle: UInt64?

    public init(namespace: String, backend: String, family: NFTFamily, table: String, chain: String, handle: UInt64?) {
        self.namespace = namespace
        self.backend = backend
        self.family = family
        self.table = table
        self.chain = chain
        self.handle = handle
    }
}

/// One thing that happened to the packet: a rule with an effect, a chain policy, a routing decision, a
/// namespace crossing, a NAT, a delivery.
public struct Step: Hashable, Sendable {
    public var namespace: String
    /// `prerouting`, `input`, …, or `routing`, `link`, `socket`.
    public var hook: String
    public var rule: RuleReference?
    /// The rule in iptables syntax (iptables-nft tables) or nft syntax; filled by a renderer when available.
    public var text: String?
    /// What it did: `accept`, `drop`, `jump KUBE-SERVICES`, `dnat to 10.0.0.5:80`, `route via eth0`, ….
    public var effect: String

    public init(namespace: String, hook: String, rule: RuleReference? = nil, text: String? = nil, effect: String) {
        self.namespace = namespace
        self.hook = hook
        self.rule = rule
        self.text = text
        self.effect = effect
    }
}

/// A whole simulated path: its steps, the outcome, the final verdict and the rule that decided it.
public struct PathTrace: Hashable, Sendable {
    public var steps: [Step]
    public var outcome: Outcome
    public var verdict: PacketVerdict
    public var decisiveRule: RuleReference?
    /// Things the simulator could not see or had to assume.
    public var warnings: [String]

    public init(steps: [Step], outcome: Outcome, verdict: PacketVerdict, decisiveRule: RuleReference?,
                warnings: [String] = []) {
        self.steps = steps
        self.outcome = outcome
        self.verdict = verdict
        self.decisiveRule = decisiveRule
        self.warnings = warnings
    }
}
