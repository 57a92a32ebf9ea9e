import NetCore

/// What the sender of a packet sees in the end, with a one-sentence reason.
///
/// `mixed` lists random branches (statistic, numgen, recent) with their probabilities when they do not all
/// end the same way; `ambiguous` lists the outcomes of every order the kernel may run equal-priority base
/// chains in, because this kernel cannot list the order.
public struct Outcome: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, Codable {
        /// Delivered to a listening socket, and the answer can come back.
        case ok
        /// A TCP reset or ICMP port unreachable reaches the sender, or nothing listens.
        case refused
        /// Dropped on the way there or back, or an answer the sender cannot match.
        case timeout
        /// No route, ICMP host/net unreachable, administratively prohibited.
        case unreachable
        /// The packet leaves what the simulator can see (an interface into an unmodelled place).
        case unknown
        /// Random branches that end differently.
        case mixed
        /// Equal-priority base chains whose order decides the outcome.
        case ambiguous
    }

    public var kind: Kind
    /// One sentence.
    public var reason: String
    /// Where an `ok` packet was delivered.
    public var deliveredTo: Delivery?
    /// For `mixed`.
    public var branches: [Branch]
    /// For `ambiguous`.
    public var alternatives: [Alternative]

    public init(_ kind: Kind, _ reason: String, deliveredTo: Delivery? = nil, branches: [Branch] = [],
                alternatives: [Alternative] = []) {
        self.kind = kind
        self.reason = reason
        self.deliveredTo = deliveredTo
        self.branches = branches
        self.alternatives = alternatives
    }

    /// The outcome without branches and alternatives, for comparing two of them.
    var signature: String { "\(kind) \(reason) \(deliveredTo.map { "\($0)" } ?? "")" }
}

/// The socket an `ok` packet reached.
public struct Delivery: Hashable, Sendable, CustomStringConvertible {
    public var namespace: String
    public var address: IPAddress
    public var port: UInt16

    public init(namespace: String, address: IPAddress, port: UInt16) {
        self.namespace = namespace
        self.address = address
        self.port = port
    }

    public var description: String { "\(FlowTuple.endpoint(address, port)) in \(namespace)" }
}

/// One random branch: the choices that lead to it, its probability (nil when unknown, as for `recent`), and
/// the whole trace of that branch.
public struct Branch: Hashable, Sendable {
    public var probability: Double?
    public var choices: [String]
    public var trace: PathTrace

    public init(probability: Double?, choices: [String], trace: PathTrace) {
        self.probability = probability
        self.choices = choices
        self.trace = trace
    }
}

/// One possible order of equal-priority base chains, and what happens under it.
public struct Alternative: Hashable, Sendable {
    public var order: [String]
    public var outcome: Outcome
    public var trace: PathTrace

    public init(order: [String], outcome: Outcome, trace: PathTrace) {
        self.order = order
        self.outcome = outcome
        self.trace = trace
    }
}
