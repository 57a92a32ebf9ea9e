import Foundation
import NetCore
import NetNS
import Simulator

/// `nfscope doctor`: checks a Kubernetes node for the known causes of service connectivity failures and
/// returns each finding with its evidence and a fix.
///
/// It reads the node namespace and every namespace its veths lead to (the pods) from the kernel once, with
/// whole rulesets; rule checks read that snapshot, and service flows (pod → each service port, at most
/// ``maxServicePorts``) are simulated over it to confirm which rule decides them.
public struct Doctor: Sendable {
    /// Seconds between the two conntrack statistics samples that show rising `insert_failed` / `drop`.
    public var interval: Double
    /// A bound on the service ports traced from each pod.
    public var maxServicePorts: Int
    /// A bound on the pods traced from.
    public var maxTracedPods: Int

    public init(interval: Double = 1, maxServicePorts: Int = 200, maxTracedPods: Int = 8) {
        self.interval = interval
        self.maxServicePorts = maxServicePorts
        self.maxTracedPods = maxTracedPods
    }

    /// Examines the node whose network namespace `nodeSpec` names (a name under /run/netns, a path, or a
    /// pid); nfscope's own namespace when nil.
    public func examine(node nodeSpec: String? = nil) throws -> DoctorReport {
        let context = try DoctorContext.read(node: nodeSpec ?? "/proc/self/ns/net", interval: interval)
        var findings = FindingSet()
        var notes = context.notes
        findings.add(context.servicesWithoutEndpoints())
        findings.add(context.unguardedNATCaptures())
        findings.add(context.sidecarRedirects())
        let flows = context.serviceFlowFindings(maxServicePorts: maxServicePorts, maxPods: maxTracedPods)
        findings.add(flows.findings)
        notes += flows.notes
        findings.add(context.sharedHookPriorities())
        let backends = context.bothBackends()
        findings.add(backends.findings)
        notes += backends.notes
        findings.add(context.bridgeNetfilter())
        findings.add(context.strictReversePathOnTunnels())
        findings.add(context.mtuMismatches())
        let conntrack = context.conntrackChecks()
        findings.add(conntrack.findings)
        notes += conntrack.notes
        return DoctorReport(node: context.node, podsExamined: context.podsExamined, findings: findings.sorted, notes: notes)
    }
}

/// Findings keyed by check and primary evidence, so a rule found both by the static scan and by a
/// simulated flow is one finding with both kinds of evidence.
struct FindingSet {
    private var order: [String] = []
    private var byKey: [String: Finding] = [:]

    mutating func add(_ findings: [Finding]) { for finding in findings { add(finding) } }

    mutating func add(_ finding: Finding) {
        let key = FindingSet.key(finding)
        if var existing = byKey[key] {
            for evidence in finding.evidence where !existing.evidence.contains(evidence) { existing.evidence.append(evidence) }
            byKey[key] = existing
        } else {
            order.append(key)
            byKey[key] = finding
        }
    }

    static func key(_ finding: Finding) -> String {
        // One sidecar finding per pod: the static scan and a simulated flow may cite different redirects.
        if finding.check == .sidecarRedirectWithoutListener, let namespace = finding.evidence.first?.rule?.namespace {
            return "\(finding.check.rawValue) \(namespace)"
        }
        let primary = finding.evidence.first.map { evidence -> String in
            if let rule = evidence.rule { return "\(rule.namespace) \(rule.family) \(rule.table) \(rule.chain) \(rule.handle ?? 0)" }
            return "\(evidence)"
        } ?? ""
        return "\(finding.check.rawValue) \(primary)"
    }

    var sorted: [Finding] {
        let checks = DoctorCheck.allCases
        return order.compactMap { byKey[$0] }.enumerated().sorted { a, b in
            if a.element.severity != b.element.severity { return a.element.severity < b.element.severity }
            let ca = checks.firstIndex(of: a.element.check) ?? 0, cb = checks.firstIndex(of: b.element.check) ?? 0
            return ca != cb ? ca < cb : a.offset < b.offset
        }.map(\.element)
    }
}
