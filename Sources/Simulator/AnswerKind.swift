/// What travels back to the sender: the answer of a listening socket, a reset, or an ICMP error.
enum AnswerKind: Equatable {
    case data(Delivery)
    case tcpReset
    case icmpPortUnreachable
    case icmpUnreachable(String)

    var description: String {
        switch self {
        case .data(let delivery): return "the answer from \(delivery)"
        case .tcpReset: return "the TCP reset"
        case .icmpPortUnreachable: return "the ICMP port-unreachable"
        case .icmpUnreachable(let name): return "the ICMP \(name)"
        }
    }

    /// The outcome when it reaches the sender.
    func outcome(_ reason: String) -> Outcome {
        switch self {
        case .data(let delivery): return Outcome(.ok, reason, deliveredTo: delivery)
        case .tcpReset, .icmpPortUnreachable: return Outcome(.refused, reason)
        case .icmpUnreachable: return Outcome(.unreachable, reason)
        }
    }
}

/// The way back under way: what it is, where the sender waits, and the tuple its socket expects.
struct AnswerLeg {
    var kind: AnswerKind
    var clientNamespace: String
    var expected: FlowTuple
}
