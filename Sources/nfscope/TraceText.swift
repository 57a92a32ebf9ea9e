import NFScope

/// The text form of a trace: the packet, each step (namespace and hook columns aligned, the decisive rule
/// highlighted), branches or alternatives, and the outcome.
enum TraceText {
    static func render(_ report: TraceReport, style: TextStyle = .plain) -> String {
        var text = ""
        let p = report.packet
        text += "packet: \(p.proto) \(p.source):\(p.sourcePort)\(p.sourcePortAssumed ? " (assumed port)" : "") -> \(p.destination):\(p.destinationPort)\n\n"
        text += steps(report.steps, indent: "  ", decisive: report.decisiveRule, style: style)
        if let branches = report.branches {
            text += "\nbranches:\n"
            for branch in branches {
                let p = branch.probability.map { String(Int(($0 * 1000).rounded()) / 10) + "%" } ?? "unknown probability"
                text += "  [\(p)] \(branch.choices.joined(separator: "; ")): \(style.outcome(branch.outcome)): \(branch.reason)\n"
            }
        }
        if let alternatives = report.alternatives {
            text += "\nalternatives (order of equal-priority base chains):\n"
            for alternative in alternatives {
                text += "  \(alternative.order.joined(separator: "; ")): \(style.outcome(alternative.outcome)): \(alternative.reason)\n"
            }
        }
        if let rule = report.decisiveRule {
            var line = "\(rule.namespace) \(rule.backend) \(rule.family) \(rule.table) \(rule.chain) "
            line += rule.position.map { "position \($0)" } ?? rule.handle.map { "handle \($0)" } ?? "policy"
            if let ruleText = rule.text { line += ": \(ruleText)" }
            text += "\n\(style.bold("decisive rule:")) \(style.highlight(line))\n"
        }
        if let entry = report.conntrack.entryUsed {
            text += "\nconntrack entry used: \(entry.namespace) id \(entry.id.map(String.init) ?? "?") \(entry.proto) "
            text += "\(entry.original.source):\(entry.original.sourcePort) -> \(entry.original.destination):\(entry.original.destinationPort)"
            text += " (\(entry.nat); \(entry.status.joined(separator: ",")))\n"
        }
        for warning in report.warnings { text += "\(style.yellow("note:")) \(warning)\n" }
        text += "\noutcome: \(style.outcome(report.outcome)): \(report.reason)\n"
        return text
    }

    /// One line per step; the namespace and hook columns are padded to the widest of the list, the rule's
    /// location (when the step is a rule) leads the effect.
    static func steps(_ steps: [TraceReport.StepText], indent: String, decisive: TraceReport.RuleText? = nil,
                      style: TextStyle = .plain) -> String {
        let namespaceWidth = steps.map(\.namespace.count).max() ?? 0
        let hookWidth = steps.map(\.hook.count).max() ?? 0
        var text = ""
        for step in steps {
            // `node  prerouting  ip nat PREROUTING #54: jump …`, `node  routing     forward: route to …`.
            var line = "\(indent)\(style.dim(step.namespace.padded(to: namespaceWidth)))  \(step.hook.padded(to: hookWidth))  "
            line += location(step).map { "\($0): " } ?? ""
            let isDecisive = decisive.map { matches(step, $0) } ?? false
            line += isDecisive ? style.highlight(step.effect) : step.effect
            if let ruleText = step.text { line += "\n\(indent)    " + (isDecisive ? style.highlight(ruleText) : style.cyan(ruleText)) }
            text += line + "\n"
        }
        return text
    }

    /// `ip nat PREROUTING #12`, `iptables-legacy ip nat KUBE-SERVICES position 3`; nil for a step with no rule.
    static func location(_ step: TraceReport.StepText) -> String? {
        guard let table = step.table, let chain = step.chain, let family = step.family else { return nil }
        var text = (step.backend.map { "\($0) " } ?? "") + "\(family) \(table) \(chain)"
        text += step.position.map { " position \($0)" } ?? step.handle.map { " #\($0)" } ?? ""
        return text
    }

    static func matches(_ step: TraceReport.StepText, _ rule: TraceReport.RuleText) -> Bool {
        step.namespace == rule.namespace && step.table == rule.table && step.chain == rule.chain
            && step.handle == rule.handle && step.position == rule.position && step.family == rule.family
    }
}
