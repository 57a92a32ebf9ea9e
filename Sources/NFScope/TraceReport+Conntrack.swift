import Conntrack
import Simulator

extension TraceReport {
    /// The live conntrack entries the trace met: the one that decided the packet instead of the nat rules
    /// (with `--sport`), and those of other source ports to the same destination.
    public struct ConntrackText: Codable, Sendable {
        /// The entry for the exact tuple that applied its NAT mapping and state; null when the flow is new.
        public var entryUsed: EntryText?
        /// Entries of the same source's other ports to the same destination (at most 20 per namespace).
        public var otherEntries: [EntryText]
        /// Matching entries left out of `other_entries` by that limit.
        public var otherEntriesNotShown: Int

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(entryUsed, forKey: .entryUsed)
            try container.encode(otherEntries, forKey: .otherEntries)
            try container.encode(otherEntriesNotShown, forKey: .otherEntriesNotShown)
        }
    }

    /// One conntrack entry: where it lives, its tuples and what it does.
    public struct EntryText: Codable, Sendable {
        public var namespace: String
        /// `CTA_ID`.
        public var id: UInt32?
        public var proto: String
        public var original: TupleText
        public var reply: TupleText
        /// Status bit names (`SEEN_REPLY`, `DST_NAT`, …).
        public var status: [String]
        /// The protocol state (TCP), when there is one.
        public var state: String?
        public var timeout: UInt32?
        /// `DNAT 10.43.0.10:53 → 10.42.0.7:53`, `no NAT`.
        public var nat: String
    }

    public struct TupleText: Codable, Sendable {
        public var source: String
        public var sourcePort: UInt16
        public var destination: String
        public var destinationPort: UInt16
    }
}

extension TraceReport.ConntrackText {
    init(_ findings: ConntrackFindings) {
        self.init(entryUsed: findings.used.first.map(TraceReport.EntryText.init),
                  otherEntries: findings.others.map(TraceReport.EntryText.init),
                  otherEntriesNotShown: findings.othersNotShown.values.reduce(0, +))
    }
}

extension TraceReport.EntryText {
    init(_ entry: ConntrackFindings.Entry) {
        let flow = entry.flow
        self.init(namespace: entry.namespace, id: flow.id, proto: flow.original.proto.rawValue,
                  original: TraceReport.TupleText(flow.original), reply: TraceReport.TupleText(flow.reply),
                  status: ConntrackStatus(rawValue: flow.status).names, state: flow.protocolState,
                  timeout: flow.timeout, nat: flow.natSummary)
    }
}

extension TraceReport.TupleText {
    init(_ tuple: FlowTuple) {
        self.init(source: "\(tuple.source)", sourcePort: tuple.sourcePort, destination: "\(tuple.destination)",
                  destinationPort: tuple.destinationPort)
    }
}
