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

    @Option(name: .customLong("node-netns"), help: "The node's namespace: a name under /run/netns or a path (default: nfscope's own).")
    var nodeNetns: String?

    @Option(name: .long, help: "Seconds between the two conntrack statistics samples (rising insert_failed / drop).")
    var interval: Double = 1

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard interval >= 0, interval <= 60 else { throw ValidationError("--interval must be between 0 and 60 seconds") }
    }

    func run() throws {
        let report = try Doctor(interval: interval).examine(node: nodeNetns)
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
