import NFScope

/// The text of `nfscope trace FROM TO`: what the names resolved to, the trace, then the node comparison
/// and the `--also` comparison with the rule where the paths part.
enum TargetTraceText {
    static func render(_ document: TargetTraceReport, style: TextStyle = .plain) -> String {
        var text = header(document)
        text += "\n" + TraceText.render(document.report, style: style)
        let rows = [(document.from.target + " -> " + document.to.target, document.report.outcome, document.report.reason)]
            + [document.nodeComparison, document.also].compactMap { $0 }.map { comparison in
                let destination = comparison.to?.target ?? document.to.target
                let source = comparison.compared == "node" ? "node" : document.from.target
                return (source + " -> " + destination, comparison.outcome, comparison.reason)
            }
        guard rows.count > 1 else { return text }
        text += "\n" + style.bold("compared:") + "\n"
        let width = rows.map(\.0.count).max() ?? 0
        for (label, outcome, reason) in rows {
            text += "  \(label.padded(to: width))  \(style.outcome(outcome)): \(reason)\n"
        }
        let main = document.report.outcome
        if let node = document.nodeComparison { text += partsAt(node, label: "the node's path", main: main, style: style) }
        if let also = document.also {
            text += partsAt(also, label: "the path to \(also.to?.target ?? also.compared)", main: main, style: style)
        }
        return text
    }

    private static func header(_ document: TargetTraceReport) -> String {
        var text = "from: \(document.from.target) (netns \(document.from.netns)"
        text += document.from.address.map { ", \($0))" } ?? ")"
        text += "\nto:   \(document.to.target) = \(document.to.address):\(document.to.port)/\(document.to.proto)"
        if let servicePort = document.to.servicePort {
            text += " (service port \(servicePort)" + (document.to.serviceHasEndpoints == false ? ", no endpoints)" : ")")
        }
        return text + "\n"
    }

    /// Where the paths part; with the same outcome on both, the first difference is only where they differ
    /// (the node's packets start at OUTPUT, a pod's at PREROUTING), not a cause, and is said so.
    private static func partsAt(_ comparison: TargetTraceReport.Comparison, label: String, main: String,
                                style: TextStyle) -> String {
        guard let step = comparison.partsAt else {
            return "\nthis path meets no rule that \(label) does not meet.\n"
        }
        var text = comparison.outcome == main
            ? "\nboth end \(main.uppercased()); this path first differs from \(label) at:\n"
            : "\nthis path parts from \(label) at:\n"
        var line = "  \(step.namespace) \(step.hook)" + (TraceText.location(step).map { " \($0)" } ?? "")
        line += ": \(step.effect)"
        text += style.highlight(line) + "\n"
        if let rule = step.text { text += "    \(style.cyan(rule))\n" }
        return text
    }
}
