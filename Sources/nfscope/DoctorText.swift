import NFScope

/// The text form of a doctor report: a header, then each finding with its evidence lines and fix, aligned.
enum DoctorText {
    static func render(_ report: DoctorReport) -> String {
        var lines: [String] = []
        let pods = report.podsExamined.map { $0.pod ?? $0.netns }
        lines.append("node \(report.node): \(pods.count) pod\(pods.count == 1 ? "" : "s") examined"
            + (pods.isEmpty ? "" : " (\(pods.joined(separator: ", ")))"))
        if report.findings.isEmpty {
            lines.append("no findings")
        } else {
            lines.append("\(report.findings.count) finding\(report.findings.count == 1 ? "" : "s"):")
        }
        let checkWidth = report.findings.map(\.check.rawValue.count).max() ?? 0
        for finding in report.findings {
            lines.append("")
            let severity = finding.severity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
            lines.append("\(severity)\(finding.check.rawValue.padding(toLength: checkWidth + 2, withPad: " ", startingAt: 0))\(finding.summary)")
            let indent = String(repeating: " ", count: 8)
            for evidence in finding.evidence {
                for (label, text) in describe(evidence) {
                    lines.append(indent + label.padding(toLength: 10, withPad: " ", startingAt: 0) + text)
                }
            }
            lines.append(indent + "fix".padding(toLength: 10, withPad: " ", startingAt: 0) + finding.fix)
        }
        if !report.notes.isEmpty {
            lines.append("")
            lines.append("notes:")
            lines += report.notes.map { "  \($0)" }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One or more (label, text) lines for a piece of evidence.
    static func describe(_ evidence: Evidence) -> [(String, String)] {
        if let rule = evidence.rule {
            let handle = rule.handle.map { " handle \($0)" } ?? rule.position.map { " rule \($0)" } ?? " policy"
            return [("rule", "\(rule.namespace): \(rule.backend) \(rule.family) \(rule.table) \(rule.chain)\(handle)"
                        + (rule.text.map { ": \($0)" } ?? ""))]
        }
        if let chain = evidence.chain {
            return [("chain", "\(chain.namespace): \(chain.backend) \(chain.family) \(chain.table) \(chain.chain)"
                        + (chain.hook.map { " hook \($0)" } ?? "") + (chain.priority.map { " priority \($0)" } ?? "")
                        + (chain.policy.map { " policy \($0)" } ?? ""))]
        }
        if let element = evidence.setElement {
            return [("element", "\(element.namespace): \(element.family) \(element.table) @\(element.set) { \(element.key)"
                        + (element.comment.map { " comment \"\($0)\"" } ?? "") + (element.value.map { " : \($0)" } ?? "") + " }")]
        }
        if let sysctl = evidence.sysctl { return [("sysctl", "\(sysctl.namespace): \(sysctl.key) = \(sysctl.value)")] }
        if let entries = evidence.conntrack {
            return entries.map { ("conntrack", "\($0.namespace): \($0.proto) \($0.original) reply \($0.reply)"
                                    + ($0.timeout.map { " timeout \($0)s" } ?? "")) }
        }
        if let stats = evidence.conntrackStatistics {
            let entries = stats.entries.map(String.init) ?? "?", maximum = stats.maximum.map(String.init) ?? "?"
            return [("conntrack", "\(stats.namespace): \(entries)/\(maximum) entries; insert_failed "
                        + "\(stats.insertFailed.map(String.init).joined(separator: " -> ")), drop "
                        + "\(stats.drop.map(String.init).joined(separator: " -> ")) over \(stats.intervalSeconds)s")]
        }
        if let interface = evidence.interface {
            return [("interface", "\(interface.namespace): \(interface.name) (\(interface.kind)) mtu \(interface.mtu.map(String.init) ?? "?")")]
        }
        if let table = evidence.table {
            return [("table", "\(table.namespace): \(table.backend) \(table.family) \(table.table), "
                        + (table.rules < 0 ? "rules unknown (not decodable)" : "\(table.rules) rules"))]
        }
        return []
    }
}
