/// Combines the outcomes of all simulated paths: random branches that agree give their common outcome,
/// otherwise `mixed`; hook orders that agree give their common outcome, otherwise `ambiguous`.
enum OutcomeCombiner {
    static func combine(_ runs: [RunRecord]) -> Outcome {
        var orders: [[String]] = []
        var grouped: [[String]: [RunRecord]] = [:]
        for run in runs {
            if grouped[run.order] == nil { orders.append(run.order) }
            grouped[run.order, default: []].append(run)
        }
        let perOrder = orders.compactMap { order -> (order: [String], outcome: Outcome, trace: PathTrace)? in
            guard let runs = grouped[order], let first = runs.first else { return nil }
            return (order, combineRandom(runs), first.trace)
        }
        guard let only = perOrder.first else { return Outcome(.unknown, "nothing was simulated") }
        guard perOrder.count > 1 else { return only.outcome }
        if Set(perOrder.map { key($0.outcome) }).count == 1 {
            var outcome = perOrder[0].outcome
            outcome.reason += " (whatever the order of the base chains that share a priority)"
            return outcome
        }
        let alternatives = perOrder.map { Alternative(order: $0.order, outcome: $0.outcome, trace: $0.trace) }
        return Outcome(.ambiguous, "base chains share a hook priority and the kernel does not say which runs first; the outcome depends on the order",
                       alternatives: alternatives)
    }

    private static func combineRandom(_ runs: [RunRecord]) -> Outcome {
        let first = runs[0].trace.outcome
        if runs.allSatisfy({ key($0.trace.outcome) == key(first) }) {
            guard runs.count > 1 else { return first }
            var outcome = first
            outcome.reason += " (on all \(runs.count) random branches)"
            return outcome
        }
        // Every branch ends the same way but at different places (load balancing over endpoints): that is
        // the outcome, as the issue asks; the branches stay attached to say where each one went.
        if runs.allSatisfy({ $0.trace.outcome.kind == first.kind }) {
            var outcome = first
            let places = runs.compactMap { run in
                run.trace.outcome.deliveredTo.map { "\($0)" + (run.probability.map { " (\(format2($0 * 100))%)" } ?? "") }
            }
            outcome.reason += places.isEmpty ? " (on all \(runs.count) random branches)"
                : "; random branches deliver to \(places.joined(separator: ", "))"
            outcome.branches = runs.map { Branch(probability: $0.probability, choices: $0.choices, trace: $0.trace) }
            return outcome
        }
        let branches = runs.map { Branch(probability: $0.probability, choices: $0.choices, trace: $0.trace) }
        var totals: [Outcome.Kind: Double] = [:]
        var unknown = false
        for branch in branches {
            if let p = branch.probability { totals[branch.trace.outcome.kind, default: 0] += p } else { unknown = true }
        }
        let summary = unknown ? "branches end differently (some with unknown probability)"
            : totals.sorted { $0.value > $1.value }.map { "\($0.key.rawValue) \(format2($0.value * 100))%" }.joined(separator: ", ")
        return Outcome(.mixed, "random choices lead to different outcomes: \(summary)", branches: branches)
    }

    /// Outcomes count as the same when their kind and delivery agree.
    static func key(_ outcome: Outcome) -> String {
        "\(outcome.kind.rawValue) \(outcome.deliveredTo.map { "\($0)" } ?? "")"
    }
}
