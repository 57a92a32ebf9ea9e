import NetCore
import NFTables

/// Renders a rule for a step: iptables syntax for iptables-nft tables, nft syntax otherwise.
public typealias RuleRenderer = @Sendable (Rule, RulesetStructure) -> String?

/// What to simulate: a new packet from a socket in a namespace.
public struct TraceRequest: Hashable, Sendable {
    public var namespace: String
    public var proto: TransportProtocol
    /// nil: the address the namespace's routing picks.
    public var source: IPAddress?
    /// nil: an ephemeral port (a new flow).
    public var sourcePort: UInt16?
    public var destination: IPAddress
    public var destinationPort: UInt16

    public init(namespace: String, proto: TransportProtocol, source: IPAddress? = nil, sourcePort: UInt16? = nil,
                destination: IPAddress, destinationPort: UInt16) {
        self.namespace = namespace
        self.proto = proto
        self.source = source
        self.sourcePort = sourcePort
        self.destination = destination
        self.destinationPort = destinationPort
    }

    /// The source port assumed without `--sport`.
    public static let ephemeralPort: UInt16 = 49152
}

/// The answer to a trace: the packet as sent, the outcome (with branches or alternatives), and the trace
/// of the first path for display.
public struct TraceResult: Hashable, Sendable {
    public var packet: Packet
    public var outcome: Outcome
    /// The first simulated path (every path when there are branches is in `outcome`).
    public var trace: PathTrace
    /// How many paths were simulated.
    public var runs: Int
    public var warnings: [String]
    /// Live conntrack entries used instead of the nat rules, and entries for other source ports.
    public var conntrack = ConntrackFindings()
}

/// Why a trace could not be simulated.
public struct SimulationError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Simulates packets through a ``NetworkModel``: every random branch and every order of equal-priority
/// chains is run, and their outcomes are combined.
public struct PathSimulator: Sendable {
    public let network: NetworkModel
    let indexes: [String: RulesetIndex]
    public var evaluator: any ChainEvaluator
    public var flowLookup: any FlowLookup
    public var render: RuleRenderer?
    /// A bound on the paths of one trace (branches multiply).
    public var maxRuns = 512
    /// A bound on the other-source-port conntrack entries listed per namespace.
    public var maxOtherFlows = 20

    public init(network: NetworkModel, evaluator: any ChainEvaluator = Interpreter(),
                flowLookup: any FlowLookup = NoFlowLookup(), render: RuleRenderer? = nil) {
        self.network = network
        self.indexes = network.namespaces.mapValues { RulesetIndex($0.ruleset, source: $0.ruleSource) }
        self.evaluator = evaluator
        self.flowLookup = flowLookup
        self.render = render
    }

    /// The packet a request describes, with the source the namespace's routing picks when none is given.
    public func packet(for request: TraceRequest) throws -> Packet {
        guard let model = network.namespaces[request.namespace] else {
            throw SimulationError("namespace \(request.namespace) is not in the model")
        }
        let family = request.destination.family
        if let source = request.source, source.family != family {
            throw SimulationError("source \(source) and destination \(request.destination) are of different families")
        }
        let router = Router(model: model)
        let decision = router.lookup(request.destination, source: request.source, inputInterface: nil, mark: 0)
        let source = request.source ?? router.sourceAddress(for: decision, destination: request.destination)
            ?? IPAddress.unspecified(family)
        return Packet(family: family, proto: request.proto, source: source, destination: request.destination,
                      sourcePort: request.sourcePort ?? TraceRequest.ephemeralPort,
                      destinationPort: request.destinationPort)
    }

    /// Runs every path of a request and combines the outcomes.
    public func trace(_ request: TraceRequest) throws -> TraceResult {
        let packet = try packet(for: request)
        let cursor = BranchCursor()
        var runs: [RunRecord] = []
        var warnings: [String] = []
        var conntrack = ConntrackFindings()
        repeat {
            cursor.rewind()
            let trail = Trail(cursor: cursor, render: render)
            let run = PathRun(simulator: self, trail: trail)
            let outcome = run.run(packet, from: request.namespace)
            let trace = PathTrace(steps: trail.steps, outcome: outcome, verdict: run.verdict,
                                  decisiveRule: run.decisive ?? run.destinationNAT, warnings: trail.warnings)
            runs.append(RunRecord(order: cursor.orderLabels, choices: cursor.randomLabels,
                                  probability: cursor.probability, trace: trace))
            for warning in trail.warnings where !warnings.contains(warning) { warnings.append(warning) }
            conntrack.merge(trail.conntrack)
            for name in Set(trail.steps.map(\.namespace)).sorted() {
                for spot in network.namespaces[name]?.blindSpots ?? [] where !warnings.contains("\(name): \(spot)") {
                    warnings.append("\(name): \(spot)")
                }
            }
            if runs.count >= maxRuns {
                warnings.append("stopped after \(maxRuns) paths; the outcome covers only those")
                break
            }
        } while cursor.advance()
        if let source = request.source, let model = network.namespaces[request.namespace], !model.owns(source),
           !source.isLoopback {
            warnings.insert("\(source) is not an address of \(request.namespace): a socket there could not bind it", at: 0)
        }
        if request.sourcePort == nil {
            warnings.append("no --sport: simulated as a new flow from port \(packet.sourcePort); it follows the nat rules, "
                + "and conntrack entries of other source ports to the destination are listed")
        }
        var outcome = OutcomeCombiner.combine(runs)
        if let entry = conntrack.used.first {
            outcome.reason += " (\(entry.namespace): \(entry.flow.label) decided the mapping, not the nat rules)"
        }
        return TraceResult(packet: packet, outcome: outcome, trace: runs[0].trace, runs: runs.count,
                           warnings: warnings, conntrack: conntrack)
    }
}

/// One simulated path with the choices that led to it.
struct RunRecord {
    var order: [String]
    var choices: [String]
    var probability: Double?
    var trace: PathTrace
}
