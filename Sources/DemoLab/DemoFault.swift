/// What a client sees, as the kernel decides it (the same words as the lab's probes).
public enum DemoOutcome: String, Hashable, Sendable {
    case ok, refused, timeout, unreachable
}

/// Where a fault's decisive rule lives, so doctor and trace tests can check they name it.
public struct FaultSite: Hashable, Sendable {
    public enum NamespaceRole: String, Hashable, Sendable {
        case node
        case clientPod = "client-pod"
    }

    public enum Backend: String, Hashable, Sendable {
        /// Loaded with `iptables-nft-restore` (xt-compatible rules in nf_tables tables `ip nat`/`ip filter`).
        case iptablesNFT = "iptables-nft"
        /// Loaded with `nft -f`.
        case nftables
    }

    public var namespace: NamespaceRole
    public var backend: Backend
    /// nf_tables family (`ip`, `inet`).
    public var family: String
    public var table: String
    /// The chain holding the decisive rule (for the network-policy drop: the first endpoint's pod chain;
    /// the second endpoint's chain holds the same rule).
    public var chain: String
    /// The netfilter hook the decisive rule runs at.
    public var hook: String
}

/// The catalogue of realistic faults that break pod → ClusterIP:80 while node → ClusterIP:80 and
/// pod → ClusterIP:9090 keep working (the incident of issue 5). Each is applied by ``DemoLab/apply(_:)``;
/// ``podOutcome`` is what the kernel did in the lab (verified by the DemoLab fault tests).
public enum DemoFault: String, CaseIterable, Hashable, Sendable {
    case hostPortWithoutLocalGuard = "hostport-no-local-guard"
    case transparentProxyRedirect = "transparent-proxy-redirect"
    case forwardReject = "forward-reject"
    case networkPolicyDrop = "networkpolicy-drop"
    case nftablesNATSamePriority = "nft-nat-same-priority"
    case nftablesForwardDrop = "nft-forward-drop"
    case sidecarRedirectWithoutProxy = "sidecar-redirect"

    /// One line for listings.
    public var title: String {
        switch self {
        case .hostPortWithoutLocalGuard: return "hostPort DNAT chain jumped from PREROUTING without a local-destination guard"
        case .transparentProxyRedirect: return "transparent proxy REDIRECT of pod port 80 ahead of kube-proxy, proxy not running"
        case .forwardReject: return "FORWARD REJECT of pod traffic to port 80 (Docker DOCKER-USER style)"
        case .networkPolicyDrop: return "network policy (kube-router) allowing only port 9090 to the web pods, drop otherwise"
        case .nftablesNATSamePriority: return "native nftables nat chain at kube-proxy's hook and priority DNATing port 80"
        case .nftablesForwardDrop: return "native nftables inet filter forward drop of port 80 from cni0"
        case .sidecarRedirectWithoutProxy: return "mesh sidecar init redirect of outbound port 80 in the client pod, no proxy listening"
        }
    }

    /// Why it breaks only pod → ClusterIP:80, in two sentences.
    public var explanation: String {
        switch self {
        case .hostPortWithoutLocalGuard:
            return "CNI portmap's CNI-HOSTPORT-DNAT is jumped from nat PREROUTING without `-m addrtype --dst-type LOCAL`, "
                + "so pod traffic to any address on port 80 is DNATed to the svclb pod (10.42.0.20:80, nothing listening) before "
                + "KUBE-SERVICES. The node's own traffic takes nat OUTPUT, where the jump keeps its guard."
        case .transparentProxyRedirect:
            return "A REDIRECT --to-ports 3129 for tcp dport 80 from the pod CIDR was inserted at the top of nat PREROUTING "
                + "(an intercepting HTTP proxy); the proxy is down, so the node's cni0 address answers with a reset."
        case .forwardReject:
            return "DOCKER-USER, jumped first from filter FORWARD, rejects tcp dport 80 from 10.42.0.0/16 with ICMP port "
                + "unreachable after kube-proxy's DNAT; node traffic is not forwarded, and port 9090 is not matched."
        case .networkPolicyDrop:
            return "kube-router's KUBE-ROUTER-FORWARD sends traffic for each web pod through KUBE-POD-FW-*, whose policy chain "
                + "marks only tcp dport 9090 as allowed; unmarked forwarded traffic is dropped. The node's traffic is not forwarded."
        case .nftablesNATSamePriority:
            return "table ip hostport-dnat registers a nat prerouting chain at priority dstnat (-100), the same as iptables-nft's "
                + "nat PREROUTING; registered later, it runs first and DNATs pod port-80 traffic to the svclb pod, after which "
                + "kube-proxy's nat chain at that hook is skipped."
        case .nftablesForwardDrop:
            return "table inet filter (a host firewall from nftables.conf) drops new forwarded tcp dport 80 arriving from cni0; "
                + "the node's own connections do not cross the forward hook."
        case .sidecarRedirectWithoutProxy:
            return "Inside the client pod, istio-init style ISTIO_OUTPUT redirects outbound tcp dport 80 to 15001, where no "
                + "sidecar proxy listens, so the pod's own loopback refuses it."
        }
    }

    /// What pod → ClusterIP:80 gets under this fault, as observed in the lab.
    public var podOutcome: DemoOutcome {
        switch self {
        case .hostPortWithoutLocalGuard, .transparentProxyRedirect, .forwardReject, .nftablesNATSamePriority,
             .sidecarRedirectWithoutProxy:
            return .refused
        case .networkPolicyDrop, .nftablesForwardDrop:
            return .timeout
        }
    }

    /// Whether the fault's base chain shares its hook and priority with another table's base chain on the path
    /// (kube-proxy's, or iptables-nft's next to native nftables), so that only the registration order, which
    /// the ruleset listing does not show, decides which runs first. In the lab the fault's chain is always
    /// registered last, and runs first.
    public func sharesHookPriority(in mode: ProxyMode) -> Bool {
        switch self {
        case .nftablesNATSamePriority, .nftablesForwardDrop: return true
        // iptables-nft's nat PREROUTING / filter FORWARD (-100 / 0) against kube-proxy's nat-prerouting /
        // filter-forward in `table ip kube-proxy`; in iptables mode they are rules of the same chains.
        case .hostPortWithoutLocalGuard, .transparentProxyRedirect, .forwardReject, .networkPolicyDrop: return mode == .nftables
        case .sidecarRedirectWithoutProxy: return false
        }
    }

    /// Where the decisive rule is.
    public var site: FaultSite {
        switch self {
        case .hostPortWithoutLocalGuard:
            return FaultSite(namespace: .node, backend: .iptablesNFT, family: "ip", table: "nat",
                             chain: DemoFaultRules.hostPortChain, hook: "prerouting")
        case .transparentProxyRedirect:
            return FaultSite(namespace: .node, backend: .iptablesNFT, family: "ip", table: "nat", chain: "PREROUTING", hook: "prerouting")
        case .forwardReject:
            return FaultSite(namespace: .node, backend: .iptablesNFT, family: "ip", table: "filter", chain: "DOCKER-USER", hook: "forward")
        case .networkPolicyDrop:
            return FaultSite(namespace: .node, backend: .iptablesNFT, family: "ip", table: "filter",
                             chain: DemoFaultRules.podFirewallChain(DemoTopology.web1), hook: "forward")
        case .nftablesNATSamePriority:
            return FaultSite(namespace: .node, backend: .nftables, family: "ip", table: "hostport-dnat", chain: "prerouting", hook: "prerouting")
        case .nftablesForwardDrop:
            return FaultSite(namespace: .node, backend: .nftables, family: "inet", table: "filter", chain: "forward", hook: "forward")
        case .sidecarRedirectWithoutProxy:
            return FaultSite(namespace: .clientPod, backend: .iptablesNFT, family: "ip", table: "nat", chain: "ISTIO_REDIRECT", hook: "output")
        }
    }
}
