import Foundation

/// The incident lab: a K3s-like node made of throwaway network namespaces (a `node` namespace with the
/// `cni0` bridge, one namespace per pod), kube-proxy's iptables-mode rules, listeners, and optional
/// faults that break pod → ClusterIP:80 while node → ClusterIP:80 and pod → ClusterIP:9090 keep working.
///
/// Every namespace is named `<prefix>-<role>` (default prefix `nfs-demo-<pid>`), and every listener
/// carries the marker `nfscope-demo-lab:<prefix>` in its arguments, so ``teardown()`` and
/// ``sweep(prefix:)`` find everything the lab made, also from another process. Nothing is linked to the
/// root namespace and no route leads out of the machine.
///
/// Thread safety: ``build()`` and ``apply(_:)`` run one command at a time; ``interrupt()`` (from a signal
/// handler's queue) stops them between commands, waits for the command in flight and tears down.
public final class DemoLab: @unchecked Sendable {
    public let prefix: String
    /// Whether listeners keep running after this process exits (for `lab up` without waiting); otherwise
    /// they exit on their own within a second of this process going away.
    public let listenersOutliveProcess: Bool
    /// Which kube-proxy backend's rules the node gets.
    public let proxyMode: ProxyMode
    /// What the kernel offers for `bridge-nf-call-iptables` inside the node namespace; set by ``build()``.
    public internal(set) var bridgeNetfilter: BridgeNetfilterSupport = .unknown

    private let stateLock = NSLock()
    /// Held while one build command runs, so an interrupt waits for it instead of racing it.
    private let stepLock = NSLock()
    private var namespaces: [String] = []
    private var listeners: [Process] = []
    private var stopped = false
    private var interrupted = false

    public init(prefix: String = "nfs-demo-\(getpid())", listenersOutliveProcess: Bool = false, proxyMode: ProxyMode = .iptables) {
        self.prefix = prefix
        self.listenersOutliveProcess = listenersOutliveProcess
        self.proxyMode = proxyMode
    }

    /// The node namespace's name (`<prefix>-node`).
    public var nodeNamespace: String { "\(prefix)-node" }

    /// A pod namespace's name (`<prefix>-<pod>`).
    public func namespace(of pod: DemoPod) -> String { "\(prefix)-\(pod.name)" }

    /// The argument that marks this lab's processes.
    public var processMarker: String { DemoLab.processMarker(prefix: prefix) }

    static func processMarker(prefix: String) -> String { "nfscope-demo-lab:\(prefix)" }

    /// Runs one build command unless the lab was stopped; the step lock keeps interrupts out of its middle.
    func step(_ description: String, _ body: () throws(DemoLabError) -> Void) throws(DemoLabError) {
        stepLock.lock()
        defer { stepLock.unlock() }
        if stateLock.withLock({ stopped }) { throw DemoLabError(kind: .interrupted, step: description) }
        try body()
    }

    /// Records a namespace before it is created, so a teardown racing the creation still deletes it.
    func record(namespace: String) { stateLock.withLock { namespaces.append(namespace) } }

    func record(listener: Process) { stateLock.withLock { listeners.append(listener) } }

    /// Kills every listener and deletes every namespace this lab made, then sweeps anything else named with
    /// its prefix. Safe to call more than once; a torn-down lab refuses further steps.
    public func teardown() {
        stepLock.lock()
        defer { stepLock.unlock() }
        teardownHoldingStepLock()
    }

    /// For signal handlers: stops the build between two commands (the one in flight finishes), then tears
    /// down. The caller exits afterwards.
    public func interrupt() {
        stateLock.withLock { stopped = true; interrupted = true }
        teardown()
    }

    /// Whether ``interrupt()`` was called: a build step that failed afterwards failed because of it (a
    /// terminal's Ctrl-C reaches the build commands too), so the caller should leave the exit to the handler.
    public var isInterrupted: Bool { stateLock.withLock { interrupted } }

    private func teardownHoldingStepLock() {
        let (toKill, toDelete) = stateLock.withLock { () -> ([Process], [String]) in
            stopped = true
            defer { listeners = []; namespaces = [] }
            return (listeners, namespaces)
        }
        for process in toKill where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        for name in toDelete.reversed() { try? LabCommand.run(["ip", "netns", "del", name]) }
        DemoLab.sweep(prefix: prefix)
    }

    deinit { if !listenersOutliveProcess { teardown() } }
}

/// kube-proxy's `--proxy-mode`.
public enum ProxyMode: String, Sendable, CaseIterable {
    /// iptables-mode rules loaded with `iptables-nft-restore` (tables `ip nat` and `ip filter`).
    case iptables
    /// nftables-mode rules loaded with `nft -f` (table `ip kube-proxy`).
    case nftables
}

/// Whether br_netfilter's `bridge-nf-call-iptables` can be set per namespace on this kernel.
public enum BridgeNetfilterSupport: String, Sendable {
    /// Not built yet.
    case unknown
    /// `/proc/sys/net/bridge/bridge-nf-call-iptables` exists in the node namespace and was set to 1
    /// (kernel ≥ 5.3 makes it per namespace, with br_netfilter loaded).
    case enabled
    /// br_netfilter is not loaded (no `/proc/sys/net/bridge`): bridged pod traffic skips iptables, so replies
    /// from same-node backends are not un-NATed and pod → ClusterIP fails even on the healthy lab.
    case unavailable
}
