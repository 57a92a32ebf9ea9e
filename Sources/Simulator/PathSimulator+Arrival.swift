import NetCore
import NFTables

/// The interpreter's answer for one packet arriving at a namespace, for comparison with the hot path.
public struct ArrivalReference: Sendable {
    public var verdict: PacketVerdict
    public var decisive: RuleReference?
    /// The connection's original-direction tuple after NAT in that namespace.
    public var mangled: FlowTuple?
    public var outcome: Outcome
}

extension PathSimulator {
    /// One new connection's first packet arriving at `namespace` on `interface`, through that namespace's
    /// hooks and routing with the configured evaluator, taking the first option at every random choice
    /// (the way back is not simulated when the packet leaves the model).
    public func simulateArrival(_ packet: Packet, namespace: String, interface: String) -> ArrivalReference {
        let trail = Trail(cursor: BranchCursor(), render: nil)
        let run = PathRun(simulator: self, trail: trail)
        let leg = run.arrive(namespace, interface, packet, nexthop: packet.destination)
        let outcome: Outcome
        switch leg {
        case .finished(let finished): outcome = finished
        case .answered(let kind, _, _): outcome = Outcome(.unknown, "answered with \(kind.description)")
        }
        return ArrivalReference(verdict: run.verdict, decisive: run.decisive, mangled: run.flows[namespace]?.first?.mangled,
                                outcome: outcome)
    }
}
