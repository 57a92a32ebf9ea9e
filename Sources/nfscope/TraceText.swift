import NFScope

/// The text form of a trace: the packet, each step, branches or alternatives, and the outcome.
enum TraceText {
    static func render(_ report: TraceReport) -> String {
        var text = ""
        let p = report.packet
        text += "packet: \(p.proto) \(p.source):\(p.sourcePort)\(p.sourcePortAssumed ? " (assumed port)" : "") -> \(p.destination):\(p.destinationPort)\n\n"
        text += steps(report.steps, indent: "  ")
        if let branches = report.branches {
            text += "\nbranches:\n"
            for branch in branches {
                let p = branch.probability.map { String(Int(($0 * 1000).rounded()) / 10) + "%" } ?? "unknown probability"
                text += "  [\(p)] \(branch.choices.joined(separator: "; ")): \(branch.outcome): \(branch.reason)\n"
            }
        }
        if let alternatives = report.alternatives {
            text += "\nalternatives (order of equal-priority base chains):\n"
            for alternative in alternatives {
                text += "  \(alternative.order.joined(separator: "; ")): \(alternative.outcome): \(alternative.reason)\n"
            }
        }
        if let rule = report.decisiveRule {
            text += "\ndecisive rule: \(rule.namespace) \(rule.backend) \(rule.family) \(rule.table) \(rule.chain) "
            text += rule.handle.map { "handle \($0)" } ?? "policy"
            if let ruleText = rule.text { text += ": \(ruleText)" }
            text += "\n"
        }
        if let entry = report.conntrack.entryUsed {
            text += "\nconntrack entry used: \(entry.namespace) id \(entry.id.map(String.init) ?? "?") \(entry.proto) "
            text += "\(entry.original.source):\(entry.original.sourcePort) -> \(entry.original.destination):\(entry.original.destinationPort)"
            text += " (\(entry.nat); \(entry.status.joined(separator: ",")))\n"
        }
        for warning in report.warnings { text += "note: \(warning)\n" }
        text += "\noutcome: \(report.outcome.uppercased()): \(report.reason)\n"
        return text
    }

    private static func steps(_ steps: [TraceReport.StepText], indent: String) -> String {
        var text = ""
        for step in steps {
            var line = "\(indent)\(step.namespace) \(step.hook)"
            if let table = step.table, let chain = step.chain, let family = step.family {
                line += " \(family) \(table) \(chain)"
                line += step.handle.map { " #\($0)" } ?? ""
            }
            line += ": \(step.effect)"
            if let ruleText = step.text { line += "\n\(indent)    \(ruleText)" }
            text += line + "\n"
        }
        return text
    }
}
