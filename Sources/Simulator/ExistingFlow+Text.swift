import NetCore

extension ExistingFlow {
    /// The destination the entry sends its original direction to (the reply tuple's source).
    public var mappedDestination: (address: IPAddress, port: UInt16) { (reply.source, reply.sourcePort) }

    /// Whether the entry rewrites the destination (its reply comes from elsewhere than the original
    /// destination), as `IPS_DST_NAT` records it.
    public var rewritesDestination: Bool {
        reply.source != original.destination || reply.sourcePort != original.destinationPort
    }

    /// Whether the entry rewrites the source (the reply goes elsewhere than the original source).
    public var rewritesSource: Bool {
        reply.destination != original.source || reply.destinationPort != original.sourcePort
    }

    /// Whether `packet` starts a new connection over this entry instead of continuing it: a TCP SYN meeting
    /// an entry in TIME_WAIT or CLOSE makes `tcp_packet` kill the entry and look the packet up again.
    func reopenedBy(_ packet: Packet) -> Bool {
        packet.proto == .tcp && packet.tcpFlags & TCPFlags.syn != 0 && packet.tcpFlags & TCPFlags.ack == 0
            && (protocolState == "TIME_WAIT" || protocolState == "CLOSE")
    }

    /// `DNAT 10.43.0.10:53 → 10.42.0.7:53, SNAT 10.42.0.5:40000 → 10.42.0.1:40000`, or `no NAT`.
    public var natSummary: String {
        var parts: [String] = []
        if rewritesDestination {
            parts.append("DNAT \(FlowTuple.endpoint(original.destination, original.destinationPort)) → "
                + FlowTuple.endpoint(reply.source, reply.sourcePort))
        }
        if rewritesSource {
            parts.append("SNAT \(FlowTuple.endpoint(original.source, original.sourcePort)) → "
                + FlowTuple.endpoint(reply.destination, reply.destinationPort))
        }
        return parts.isEmpty ? "no NAT" : parts.joined(separator: ", ")
    }

    /// `conntrack entry id 42 (UDP, DNAT 10.43.0.10:53 → 10.42.0.7:53, seen reply)`.
    public var label: String {
        var details = [original.proto.rawValue.uppercased(), natSummary]
        details.append(status & ConntrackView.statusSeenReply != 0 ? "seen reply" : "unreplied")
        if let protocolState { details.append(protocolState) }
        let name = id.map { "conntrack entry id \($0)" } ?? "conntrack entry \(original)"
        return "\(name) (\(details.joined(separator: ", ")))"
    }
}

/// The live conntrack entries a trace met, by namespace.
public struct ConntrackFindings: Hashable, Sendable {
    /// An entry in one namespace.
    public struct Entry: Hashable, Sendable {
        public var namespace: String
        public var flow: ExistingFlow

        public init(namespace: String, flow: ExistingFlow) {
            self.namespace = namespace
            self.flow = flow
        }
    }

    /// Entries for the exact tuple that decided the packet's NAT and state instead of the nat rules.
    public var used: [Entry] = []
    /// Entries for other source ports to the same destination (a new flow does not use them).
    public var others: [Entry] = []
    /// Matching other entries left out of ``others`` by the limit, by namespace.
    public var othersNotShown: [String: Int] = [:]

    public init() {}

    /// Whether no entry was found.
    public var isEmpty: Bool { used.isEmpty && others.isEmpty && othersNotShown.isEmpty }

    /// Adds another path's findings (paths of one trace see the same table).
    mutating func merge(_ other: ConntrackFindings) {
        for entry in other.used where !used.contains(entry) { used.append(entry) }
        for entry in other.others where !others.contains(entry) { others.append(entry) }
        othersNotShown.merge(other.othersNotShown, uniquingKeysWith: max)
    }
}
