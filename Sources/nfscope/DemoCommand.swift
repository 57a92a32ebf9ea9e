import ArgumentParser
import DemoLab
import Foundation
import NFScope

/// `nfscope demo`: builds the incident lab out of namespaces, explains it with `trace`, and removes it.
///
/// The lab is a K3s-like node (bridge cni0, pods behind veths, kube-proxy iptables or nftables rules,
/// flannel-style rules) with one fault that breaks pod → ClusterIP:80 only. The demo traces pod → :80,
/// node → :80 and pod → :9090 and shows where the failing path parts from the working ones.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Reproduce the 'pods get connection refused on ClusterIP:80' incident in namespaces and explain it."
    )

    @Option(help: "The fault to build (see 'nfscope lab faults').")
    var fault: String = DemoFault.hostPortWithoutLocalGuard.rawValue

    @Option(name: .customLong("proxy-mode"), help: "kube-proxy mode: iptables or nftables.")
    var proxyMode: String = "iptables"

    @Flag(help: "Leave the lab up to explore (remove it later with 'nfscope lab down --prefix PREFIX').")
    var keep = false

    @OptionGroup var output: OutputOptions

    func run() throws {
        guard let fault = DemoFault(rawValue: fault) else {
            throw ValidationError("unknown fault \(fault); known: \(DemoFault.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let mode = ProxyMode(rawValue: proxyMode) else {
            throw ValidationError("unknown proxy mode \(proxyMode); known: iptables, nftables")
        }
        let lab = DemoLab(prefix: "nfs-demo-\(getpid())", listenersOutliveProcess: keep, proxyMode: mode)
        let signals = LabSignalHandler.install { lab.interrupt() }
        defer { if !keep { lab.teardown() } }
        do {
            try lab.build()
            try lab.apply(fault)
        } catch {
            if lab.isInterrupted { withExtendedLifetime(signals) { while true { pause() } } }
            throw CommandFailure(message: "building the demo lab failed: \(error)", exitCode: ExitStatus.environment)
        }
        let demo = try DemoRun(lab: lab, fault: fault, mode: mode)
        if output.json {
            try JSONOutput.print(demo.document(kept: keep))
        } else {
            print(demo.text(kept: keep), terminator: "")
        }
        withExtendedLifetime(signals) {}
    }
}

/// What doctor finds on the lab, and the three traces of the demo and what they show.
struct DemoRun {
    let lab: DemoLab
    let fault: DemoFault
    let mode: ProxyMode
    /// `nfscope doctor` on the lab's node, as an operator would run it first.
    let doctor: DoctorReport
    let podToPort80: TraceReport
    let nodeToPort80: TraceReport
    let podToPort9090: TraceReport

    init(lab: DemoLab, fault: DemoFault, mode: ProxyMode) throws {
        self.lab = lab
        self.fault = fault
        self.mode = mode
        let service = DemoTopology.web.clusterIP
        let client = lab.namespace(of: DemoTopology.client)
        // The conntrack statistics are sampled once: the lab was just built, nothing can be rising yet.
        doctor = try Doctor(interval: 0, runtimeBundleDirectories: [lab.runtimeRoot]).examine(node: lab.nodeNamespace)
        let tracer = Tracer()
        podToPort80 = try tracer.trace(from: client, proto: .tcp, source: nil, sourcePort: nil,
                                       destination: service, destinationPort: 80)
        nodeToPort80 = try tracer.trace(from: lab.nodeNamespace, proto: .tcp, source: nil, sourcePort: nil,
                                        destination: service, destinationPort: 80)
        podToPort9090 = try tracer.trace(from: client, proto: .tcp, source: nil, sourcePort: nil,
                                         destination: service, destinationPort: 9090)
    }

    func text(kept: Bool) -> String {
        let service = DemoTopology.web
        var text = """
            nfscope demo: a K3s-like node in namespaces (\(lab.prefix)-*), kube-proxy in \(mode.rawValue) mode,
            service \(DemoTopology.kubernetesNamespace)/\(service.name) at ClusterIP \(service.clusterIP) (ports 80 and 9090),
            with one fault built in: \(fault.title).

            """
        text += "\nnfscope doctor --lab \(lab.prefix):\n"
        text += DoctorText.render(doctor).split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : "  \($0)" }.joined(separator: "\n")
        text += "\nnfscope trace, from the client pod and from the node:\n"
        text += "\n" + row("pod  -> \(service.clusterIP):80", podToPort80)
        text += row("node -> \(service.clusterIP):80", nodeToPort80)
        text += row("pod  -> \(service.clusterIP):9090", podToPort9090)
        if let rule = podToPort80.decisiveRule {
            text += "\nThe rule that decides pod -> :80:\n  \(describe(rule))\n"
        }
        for (label, working) in [("pod -> :9090", podToPort9090), ("node -> :80", nodeToPort80)] {
            if let step = TraceComparison(failing: podToPort80, working: working).firstDivergingStep {
                text += "\npod -> :80 parts from \(label) at:\n  \(step.namespace) \(step.hook) \(step.family ?? "") \(step.table ?? "") \(step.chain ?? "") handle \(step.handle.map(String.init) ?? "-"): \(step.effect)\n"
                if let rule = step.text { text += "    \(rule)\n" }
            }
        }
        text += "\nWhat the fault is: \(fault.explanation)\n"
        if kept {
            text += "The whole path: nfscope trace --lab \(lab.prefix) pod:\(DemoTopology.kubernetesNamespace)/\(DemoTopology.client.name) "
                + "svc:\(DemoTopology.kubernetesNamespace)/\(service.name):80 --also svc:\(DemoTopology.kubernetesNamespace)/\(service.name):9090\n"
            text += "Node against pod: nfscope diff --lab \(lab.prefix) node pod:\(DemoTopology.kubernetesNamespace)/\(DemoTopology.client.name)\n"
            text += "The checks again: nfscope doctor --lab \(lab.prefix)\n"
            text += "The lab is still up; remove it with: nfscope lab down --prefix \(lab.prefix)\n"
        } else {
            text += "The lab has been removed (run with --keep to explore it with nfscope trace, ruleset and conntrack).\n"
        }
        return text
    }

    private func row(_ label: String, _ report: TraceReport) -> String {
        "  \(label.padding(toLength: 28, withPad: " ", startingAt: 0)) \(report.outcome.uppercased()): \(report.reason)\n"
    }

    private func describe(_ rule: TraceReport.RuleText) -> String {
        var text = "\(rule.namespace): \(rule.backend) \(rule.family) table \(rule.table), chain \(rule.chain), handle \(rule.handle.map(String.init) ?? "-")"
        if let rendered = rule.text { text += "\n    \(rendered)" }
        return text
    }

    /// `nfscope demo --json`.
    struct Document: Encodable {
        var schemaVersion = 1
        var prefix: String
        var proxyMode: String
        var fault: String
        var doctor: DoctorReport
        var podToPort80: TraceReport
        var nodeToPort80: TraceReport
        var podToPort9090: TraceReport
        var partsFromPort9090At: TraceReport.StepText?
        var partsFromNodeAt: TraceReport.StepText?
        var kept: Bool
    }

    func document(kept: Bool) -> Document {
        Document(prefix: lab.prefix, proxyMode: mode.rawValue, fault: fault.rawValue, doctor: doctor, podToPort80: podToPort80,
                 nodeToPort80: nodeToPort80, podToPort9090: podToPort9090,
                 partsFromPort9090At: TraceComparison(failing: podToPort80, working: podToPort9090).firstDivergingStep,
                 partsFromNodeAt: TraceComparison(failing: podToPort80, working: nodeToPort80).firstDivergingStep,
                 kept: kept)
    }
}
