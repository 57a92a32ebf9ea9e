import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NFScope

/// `nfscope doctor`: the known causes of service connectivity failures on this node, with evidence and fixes.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check a Kubernetes node for known causes of service connectivity failures.",
        discussion: """
            Reads the node's network namespace and the pod namespaces attached to it by veths (rules, routes, \
            sysctls, listeners, conntrack) and simulates pod → service flows; nothing is sent. Exits 0 when \
            nothing was found, 1 when there are findings.
            """
    )

    @OptionGroup var node: NodeOptions

    @Option(name: .long, help: "Seconds between the two conntrack statistics samples (rising insert_failed / drop).")
    var interval: Double = 1

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard interval >= 0, interval <= 60 else { throw ValidationError("--interval must be between 0 and 60 seconds") }
    }

    func run() throws {
        // Pods are named from the runtime roots' sandbox bundles (the defaults, --runtime-root, or a kept lab's).
        let context = node.context
        let doctor = Doctor(interval: interval,
                            runtimeBundleDirectories: node.isEmpty ? nil : context.runtimeRoots.map(\.path))
        let report = try doctor.examine(node: context.nodeNamespacePath)
        if output.json {
            try JSONOutput.print(report)
        } else {
            print(DoctorText.render(report), terminator: "")
        }
        // Findings are the answer, not an error: exit 1 without an error line.
        if !report.findings.isEmpty {
            fflush(nil)
            Glibc.exit(ExitStatus.findings)
        }
    }
}
