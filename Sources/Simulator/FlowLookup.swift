/// The conntrack-first seam: a namespace's live conntrack table, asked whether a flow already exists.
///
/// When it does, its NAT mapping and state apply instead of the nat rules (a stale UDP entry keeps
/// sending a flow to a deleted pod). The conntrack reader (another branch) will implement this; until it
/// is wired, ``NoFlowLookup`` says every flow is new.
public protocol FlowLookup: Sendable {
    /// The entry whose original tuple is `tuple` in the namespace named `namespace`, if any.
    func existingFlow(namespace: String, tuple: FlowTuple) -> ExistingFlow?

    /// Entries from other source ports to the same destination (shown as warnings for a new flow: a stale
    /// UDP entry, for example, keeps sending its own flow elsewhere).
    func otherFlows(namespace: String, to tuple: FlowTuple) -> [ExistingFlow]
}

extension FlowLookup {
    public func otherFlows(namespace: String, to tuple: FlowTuple) -> [ExistingFlow] { [] }
}

/// A live conntrack entry as the simulator needs it.
public struct ExistingFlow: Hashable, Sendable {
    /// The original tuple (as the first packet arrived).
    public var original: FlowTuple
    /// The reply tuple the kernel expects (its inverse carries the NAT mapping).
    public var reply: FlowTuple
    /// `IPS_*` status bits.
    public var status: UInt32

    public init(original: FlowTuple, reply: FlowTuple, status: UInt32) {
        self.original = original
        self.reply = reply
        self.status = status
    }
}

/// Every flow is new (no conntrack reader wired yet).
public struct NoFlowLookup: FlowLookup {
    public init() {}
    public func existingFlow(namespace: String, tuple: FlowTuple) -> ExistingFlow? { nil }
}
