/// Where two traces part: the first rule one of them meets that the other does not.
///
/// This is the "node works, pod fails" and ":80 fails, :9090 works" question of the incident: the rules both
/// paths share are not the cause; the first rule only the failing path meets is where to look.
public struct TraceComparison: Sendable {
    public var failing: TraceReport
    public var working: TraceReport

    public init(failing: TraceReport, working: TraceReport) {
        self.failing = failing
        self.working = working
    }

    /// The first rule step of the failing trace that the working trace never met (same namespace, table,
    /// chain and handle), or nil when every rule it met was met by the working trace too.
    public var firstDivergingStep: TraceReport.StepText? {
        let seen = Set(working.steps.compactMap(TraceComparison.ruleKey))
        return failing.steps.first { step in
            guard let key = TraceComparison.ruleKey(step) else { return false }
            return !seen.contains(key)
        }
    }

    static func ruleKey(_ step: TraceReport.StepText) -> String? {
        guard let table = step.table, let chain = step.chain, let handle = step.handle else { return nil }
        return "\(step.namespace)|\(step.family ?? "")|\(table)|\(chain)|\(handle)"
    }
}
