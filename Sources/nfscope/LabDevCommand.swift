import ArgumentParser
import DemoLab
import Foundation

/// `nfscope lab …` (hidden, for development): build and remove the incident lab by hand.
struct LabDevCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lab",
        abstract: "Build or remove the incident lab (development).",
        shouldDisplay: false,
        subcommands: [LabUpCommand.self, LabDownCommand.self, LabFaultsCommand.self]
    )
}

/// `nfscope lab up`: builds the lab, optionally with faults. SIGINT/SIGTERM at any point tear it down and
/// exit 130. With `--hold` it waits for that signal; without, it leaves the lab up for `lab down`.
struct LabUpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "up", abstract: "Build the lab.")

    @Option(help: "Namespace name prefix (default nfs-demo-<pid>).")
    var prefix: String?

    @Option(name: .long, help: "A fault to apply (repeatable); see 'nfscope lab faults'.")
    var fault: [String] = []

    @Option(name: .customLong("proxy-mode"), help: "kube-proxy mode: iptables (default) or nftables.")
    var proxyMode: String = "iptables"

    @Flag(help: "Stay in the foreground until SIGINT/SIGTERM, then tear the lab down.")
    var hold = false

    func run() throws {
        let faults = try fault.map { name -> DemoFault in
            guard let fault = DemoFault(rawValue: name) else {
                throw ValidationError("unknown fault \(name); known: \(DemoFault.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return fault
        }
        guard let mode = ProxyMode(rawValue: proxyMode) else {
            throw ValidationError("unknown proxy mode \(proxyMode); known: iptables, nftables")
        }
        let lab = DemoLab(prefix: prefix ?? "nfs-demo-\(getpid())", listenersOutliveProcess: !hold, proxyMode: mode)
        let signals = LabSignalHandler.install { lab.interrupt() }
        do {
            try lab.build()
            for fault in faults { try lab.apply(fault) }
        } catch {
            // A terminal's Ctrl-C also kills the build command in flight; the signal handler is tearing down
            // and exits 130, so wait for it rather than race it with another exit code.
            if lab.isInterrupted { withExtendedLifetime(signals) { while true { pause() } } }
            lab.teardown()
            throw CommandFailure(message: "\(error)", exitCode: ExitStatus.environment)
        }
        let line = ("lab ready: prefix \(lab.prefix), node \(lab.nodeNamespace), client \(lab.namespace(of: DemoTopology.client)), "
            + "proxy mode \(mode.rawValue), bridge-nf-call-iptables \(lab.bridgeNetfilter.rawValue)"
            + (faults.isEmpty ? "" : ", faults \(faults.map(\.rawValue).joined(separator: ","))")) + "\n"
        // Written unbuffered: a parent waiting for this line must see it before it sends a signal.
        FileHandle.standardOutput.write(Data(line.utf8))
        if hold {
            withExtendedLifetime(signals) { while true { pause() } }
        }
    }
}

/// `nfscope lab down`: removes every namespace and listener named with a prefix.
struct LabDownCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "down", abstract: "Remove a lab by its prefix.")

    @Option(help: "The prefix 'lab up' printed (nfs-demo-<pid>).")
    var prefix: String

    func run() throws {
        guard prefix.hasPrefix("nfs-") else { throw ValidationError("refusing a prefix that does not start with nfs-") }
        DemoLab.sweep(prefix: prefix)
        let left = DemoLab.leftovers(prefix: prefix)
        guard left.namespaces.isEmpty && left.processes.isEmpty else {
            throw CommandFailure(message: "left behind: namespaces \(left.namespaces), processes \(left.processes)")
        }
    }
}

/// `nfscope lab faults`: the fault catalogue.
struct LabFaultsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "faults", abstract: "List the faults the lab can apply.")

    func run() throws {
        for fault in DemoFault.allCases {
            print("\(fault.rawValue)\tpod->ClusterIP:80 \(fault.podOutcome.rawValue)\t\(fault.title)")
        }
    }
}
