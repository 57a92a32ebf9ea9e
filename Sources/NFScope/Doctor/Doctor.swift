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
    /// Directories holding containerd task bundles (`<id>/config.json`) that name pods; nil: containerd's and
    /// K3s's (`/run/containerd/…/k8s.io`, `/run/k3s/containerd/…/k8s.io`).
    public var runtimeBundleDirectories: [String]?

    public init(interval: Double = 1, maxServicePorts: Int = 200, maxTracedPods: Int = 8,
                runtimeBundleDirectories: [String]? = nil) {
        self.interval = interval
        self.maxServicePorts = maxServicePorts
        self.maxTracedPods = maxTracedPods
        self.runtimeBundleDirectories = runtimeBundleDirectories
    }

    /// Examines the node whose network namespace `nodeSpec` names (a name under /run/netns, a path, or a
    /// pid); nfscope's own namespace when nil.
    public func examine(node nodeSpec: String? = nil) throws -> DoctorReport {
        let context = try DoctorContext.read(node: nodeSpec ?? "/proc/self/ns/net", interval: interval,
                                             runtimeBundleDirectories: runtimeBundleDirectories)
        var findings = FindingSet()
        var notes = context.notes
        findings.add(context.servicesWithoutEndpoints())
        findings.add(context.unguardedNATCaptures())
        findings.add(context.sidecarRedirects())
        findings.add(context.podTrafficDrops())
        let flows = context.serviceFlowFindings(maxServicePorts: maxServicePorts, maxPods: maxTracedPods)
        findings.add(flows.findings, simulated: true)
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
        return DoctorReport(node: context.node, podsExamined: context.podsExamined, findings: findings.sorted,
                            notes: Doctor.collapse(notes, namespaces: [context.node] + context.pods))
    }

    /// Notes that repeat for every namespace (`NAME: text`) said once, as `all examined namespaces: text`.
    static func collapse(_ notes: [String], namespaces: [String]) -> [String] {
        var result: [String] = []
        for note in notes {
            guard let name = namespaces.first(where: { note.hasPrefix("\($0): ") }) else {
                if !result.contains(note) { result.append(note) }
                continue
            }
            let text = String(note.dropFirst(name.count + 2))
            let everywhere = namespaces.allSatisfy { notes.contains("\($0): \(text)") }
            let line = everywhere && namespaces.count > 1 ? "all examined namespaces: \(text)" : note
            if !result.contains(line) { result.append(line) }
        }
        return result
    }
}

/// Findings keyed by check and primary evidence, so a rule found both by the static scan and by a
/// simulated flow is one finding with both kinds of evidence.
struct FindingSet {
    private var order: [String] = []
    private var byKey: [String: Finding] = [:]
    /// Simulated flows that confirmed a finding: how many, and the first one's summary.
    private var confirmations: [String: (count: Int, first: String)] = [:]

    mutating func add(_ findings: [Finding], simulated: Bool = false) {
        for finding in findings { add(finding, simulated: simulated) }
    }

    mutating func add(_ finding: Finding, simulated: Bool = false) {
        let key = FindingSet.key(finding)
        if var existing = byKey[key] {
            for evidence in finding.evidence where !existing.evidence.contains(evidence) { existing.evidence.append(evidence) }
            byKey[key] = existing
            if simulated {
                let previous = confirmations[key]
                confirmations[key] = ((previous?.count ?? 0) + 1, previous?.first ?? finding.summary)
            }
        } else {
            order.append(key)
            byKey[key] = finding
            if simulated { confirmations[key] = (1, finding.summary) }
        }
    }

    static func key(_ finding: Finding) -> String {
        // One sidecar finding per pod: the static scan and a simulated flow may cite different redirects.
        if finding.check == .sidecarRedirectWithoutListener, let namespace = finding.evidence.first?.rule?.namespace {
            return "\(finding.check.rawValue) \(namespace)"
        }
        let primary = finding.evidence.first.map { evidence -> String in
            if let rule = evidence.rule {
                return "\(rule.namespace) \(rule.backend) \(rule.family) \(rule.table) \(rule.chain) \(rule.handle ?? 0) \(rule.position ?? 0)"
            }
            return "\(evidence)"
        } ?? ""
        return "\(finding.check.rawValue) \(primary)"
    }

    var sorted: [Finding] {
        let checks = DoctorCheck.allCases
        let findings = order.compactMap { key -> Finding? in
            guard var finding = byKey[key] else { return nil }
            if let confirmed = confirmations[key], confirmed.first != finding.summary || confirmed.count > 1 {
                let example = confirmed.first == finding.summary ? "" : ", e.g. \(confirmed.first)"
                finding.summary += "; simulated: \(confirmed.count) pod → service flow\(confirmed.count == 1 ? "" : "s") fail here\(example)"
            }
            return finding
        }
        return findings.enumerated().sorted { a, b in
            if a.element.severity != b.element.severity { return a.element.severity < b.element.severity }
            let ca = checks.firstIndex(of: a.element.check) ?? 0, cb = checks.firstIndex(of: b.element.check) ?? 0
            return ca != cb ? ca < cb : a.offset < b.offset
        }.map(\.element)
    }
}
