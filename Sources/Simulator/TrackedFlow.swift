/// A connection as one namespace's conntrack holds it during a simulated run: the tuple it was first
/// seen with, the tuple after NAT, and which NAT manipulations are settled (`nf_nat_initialized`).
struct TrackedFlow {
    var original: FlowTuple
    /// The original direction after NAT; the reply tuple is its inverse.
    var mangled: FlowTuple
    var destinationNATDone = false
    var sourceNATDone = false
    /// Whether a reply has passed (the flow was found in the live table, or an answer came back).
    var seenReply = false
    var status: UInt32 = 0
    /// Whether this entry came from the live conntrack table.
    var fromLiveTable = false

    init(original: FlowTuple) {
        self.original = original
        self.mangled = original
    }

    var reply: FlowTuple { mangled.inverted }

    /// Whether an ICMP error's embedded header belongs to this flow, wherever on its NAT path it was taken.
    func embeds(_ inner: FlowTuple) -> Bool {
        inner.proto == original.proto
            && (inner.source == original.source || inner.source == mangled.source)
            && (inner.destination == original.destination || inner.destination == mangled.destination)
            && (inner.sourcePort == original.sourcePort || inner.sourcePort == mangled.sourcePort)
            && (inner.destinationPort == original.destinationPort || inner.destinationPort == mangled.destinationPort)
    }
}

/// What a packet's conntrack lookup in one namespace found.
struct FlowBinding {
    var index: Int
    var isReply: Bool
    var isNew: Bool
    var isRelated: Bool
}
