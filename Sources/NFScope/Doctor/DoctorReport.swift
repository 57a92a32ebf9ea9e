/// The `nfscope doctor --json` document (snake_case keys through the CLI's encoder; see docs/doctor-schema.md).
public struct DoctorReport: Codable, Sendable, Equatable {
    public static let schemaVersion = 1

    public var schemaVersion = DoctorReport.schemaVersion
    /// The node namespace's label (its name under /run/netns, `current`, or `pid N`).
    public var node: String
    /// The pod namespaces examined: those with a veth whose peer is in the node namespace.
    public var podsExamined: [PodExamined]
    /// Findings, most severe first, then in check order.
    public var findings: [Finding]
    /// What doctor could not look at, or looked at only in part (sampling, unreadable state).
    public var notes: [String]

    public init(node: String, podsExamined: [PodExamined], findings: [Finding], notes: [String]) {
        self.node = node
        self.podsExamined = podsExamined
        self.findings = findings
        self.notes = notes
    }
}

/// A pod namespace attached to the node.
public struct PodExamined: Codable, Sendable, Equatable {
    /// `NAMESPACE/NAME` from the container runtime's bundles; nil when no bundle names this network namespace.
    public var pod: String?
    /// The namespace's label in the model (its /run/netns name, or `pid N`).
    public var netns: String
    /// The pod side's addresses.
    public var addresses: [String]

    public init(pod: String?, netns: String, addresses: [String]) {
        self.pod = pod
        self.netns = netns
        self.addresses = addresses
    }
}

/// One known cause of service connectivity failures, found on the node.
public struct Finding: Codable, Sendable, Equatable {
    public var check: DoctorCheck
    public var severity: Severity
    /// One sentence.
    public var summary: String
    public var evidence: [Evidence]
    /// What to change.
    public var fix: String

    public init(check: DoctorCheck, severity: Severity, summary: String, evidence: [Evidence], fix: String) {
        self.check = check
        self.severity = severity
        self.summary = summary
        self.evidence = evidence
        self.fix = fix
    }
}

/// Every check doctor runs, by its stable id.
public enum DoctorCheck: String, Codable, Sendable, CaseIterable {
    case serviceWithoutEndpoints = "service_without_endpoints"
    case natCaptureBeforeKubeProxy = "nat_capture_before_kube_proxy"
    case bothIptablesBackends = "both_iptables_backends"
    case sharedHookPriority = "shared_hook_priority"
    case forwardDropForPods = "forward_drop_for_pods"
    case sidecarRedirectWithoutListener = "sidecar_redirect_without_listener"
    case bridgeNetfilterOff = "bridge_netfilter_off"
    case strictRPFilterOnTunnel = "strict_rp_filter_on_tunnel"
    case conntrackTablePressure = "conntrack_table_pressure"
    case staleUDPConntrack = "stale_udp_conntrack"
    case mtuMismatch = "mtu_mismatch"
}

/// How bad a finding is: `error` breaks traffic now, `warning` can, `info` is worth knowing.
public enum Severity: String, Codable, Sendable, Comparable {
    case error, warning, info

    private var rank: Int { self == .error ? 0 : self == .warning ? 1 : 2 }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}
