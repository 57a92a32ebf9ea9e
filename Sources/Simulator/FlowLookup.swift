/// The conntrack-first seam: a namespace's live conntrack table, asked whether a flow already exists.
///
/// When it does, its NAT mapping and state apply instead of the nat rules (a stale UDP entry keeps
/// sending a flow to a deleted pod). NFScope's `LiveFlowLookup` asks the kernel over ctnetlink;
/// ``NoFlowLookup`` says every flow is new.
public protocol FlowLookup: Sendable {
    /// The entry whose original tuple is `tuple` in the namespace named `namespace`, if any.
    func existingFlow(namespace: String, tuple: FlowTuple) -> ExistingFlow?

    /// Entries from other source ports to the same destination (shown as warnings for a new flow: a stale
    /// UDP entry, for example, keeps sending its own flow elsewhere).
    func otherFlows(namespace: String, to tuple: FlowTuple) -> [ExistingFlow]

    /// At most `limit` entries from other source ports to the same destination, and how many more there
    /// are (a busy node may hold thousands; the trace lists a few and counts the rest).
    func otherFlows(namespace: String, to tuple: FlowTuple, limit: Int) -> OtherFlows
}

extension FlowLookup {
    public func otherFlows(namespace: String, to tuple: FlowTuple) -> [ExistingFlow] { [] }

    public func otherFlows(namespace: String, to tuple: FlowTuple, limit: Int) -> OtherFlows {
        let all = otherFlows(namespace: namespace, to: tuple)
        return OtherFlows(flows: Array(all.prefix(limit)), notShown: max(0, all.count - limit))
    }
}

/// A bounded list of conntrack entries and the count of those left out.
public struct OtherFlows: Hashable, Sendable {
    public var flows: [ExistingFlow]
    /// Matching entries beyond the limit.
    public var notShown: Int

    public init(flows: [ExistingFlow] = [], notShown: Int = 0) {
        self.flows = flows
        self.notShown = notShown
    }
}

/// A live conntrack entry as the simulator needs it.
public struct ExistingFlow: Hashable, Sendable {
    /// The original tuple (as the first packet arrived).
    public var original: FlowTuple
    /// The reply tuple the kernel expects (its inverse carries the NAT mapping).
    public var reply: FlowTuple
    /// `IPS_*` status bits.
    public var status: UInt32
    /// The entry's id (`CTA_ID`), when the table reported one.
    public var id: UInt32?
    /// The protocol state (`ESTABLISHED` for TCP), when there is one.
    public var protocolState: String?
    /// Seconds until the entry expires (`CTA_TIMEOUT`).
    public var timeout: UInt32?

    public init(original: FlowTuple, reply: FlowTuple, status: UInt32, id: UInt32? = nil,
                protocolState: String? = nil, timeout: UInt32? = nil) {
        self.original = original
        self.reply = reply
        self.status = status
        self.id = id
        self.protocolState = protocolState
        self.timeout = timeout
    }
}

/// Every flow is new (a model without a live conntrack table, such as a hand-built one).
public struct NoFlowLookup: FlowLookup {
    public init() {}
    public func existingFlow(namespace: String, tuple: FlowTuple) -> ExistingFlow? { nil }
}
