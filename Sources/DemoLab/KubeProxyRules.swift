import NetCore

/// Generates kube-proxy's iptables-mode ruleset (the `iptables-restore` input kube-proxy writes) for a set
/// of services, in its current format (v1.28+): `KUBE-SERVICES` jumps per ClusterIP port, `KUBE-SVC-*`
/// with the pod-CIDR masquerade guard and `statistic` load-balancing, `KUBE-SEP-*` with hairpin
/// masquerade and DNAT, `KUBE-EXT-*` behind `KUBE-NODEPORTS`, `KUBE-POSTROUTING` masquerade of marked
/// traffic, and a filter-table `REJECT` in `KUBE-SERVICES` for a service without endpoints.
public struct KubeProxyRules: Sendable {
    public var services: [KubeService]
    /// `--cluster-cidr`: traffic from outside it to a ClusterIP is masqueraded.
    public var clusterCIDR: IPPrefix

    public init(services: [KubeService], clusterCIDR: IPPrefix) {
        self.services = services
        self.clusterCIDR = clusterCIDR
    }

    /// The filter and nat tables, ready for `iptables-nft-restore`.
    public func iptablesRestore() -> String {
        filterTable() + natTable()
    }

    func filterTable() -> String {
        var chains = ["KUBE-EXTERNAL-SERVICES", "KUBE-FORWARD", "KUBE-NODEPORTS", "KUBE-PROXY-FIREWALL", "KUBE-SERVICES"]
        chains.append("KUBE-PROXY-CANARY")
        var lines = ["*filter"] + chains.map { ":\($0) - [0:0]" }
        lines += [
            #"-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL"#,
            #"-A INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS"#,
            #"-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES"#,
            #"-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL"#,
            #"-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD"#,
            #"-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES"#,
            #"-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES"#,
            #"-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL"#,
            #"-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES"#,
            "-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP",
            #"-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT"#,
            #"-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"#,
        ]
        for service in services where service.endpoints.isEmpty {
            for port in service.ports {
                let name = service.portName(port)
                lines.append("-A KUBE-SERVICES -d \(service.clusterIP)/32 -p \(port.proto) -m comment --comment \"\(name) has no endpoints\" "
                    + "-m \(port.proto) --dport \(port.port) -j REJECT --reject-with icmp-port-unreachable")
                if let nodePort = port.nodePort {
                    lines.append("-A KUBE-EXTERNAL-SERVICES -p \(port.proto) -m comment --comment \"\(name) has no endpoints\" "
                        + "-m addrtype --dst-type LOCAL -m \(port.proto) --dport \(nodePort) -j REJECT --reject-with icmp-port-unreachable")
                }
            }
        }
        return (lines + ["COMMIT"]).joined(separator: "\n") + "\n"
    }

    func natTable() -> String {
        var chains = ["KUBE-MARK-MASQ", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-SERVICES"]
        var rules: [String] = [
            #"-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES"#,
            #"-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES"#,
            #"-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING"#,
            "-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000",
            "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN",
            "-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000",
            #"-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully"#,
        ]
        var serviceJumps: [String] = [], nodePortJumps: [String] = [], perService: [String] = []
        for service in services where !service.endpoints.isEmpty {
            for port in service.ports {
                let generated = servicePortRules(service, port)
                chains += generated.chains
                serviceJumps.append(generated.serviceJump)
                nodePortJumps += generated.nodePortJump.map { [$0] } ?? []
                perService += generated.rules
            }
        }
        rules += nodePortJumps + serviceJumps
        rules.append(#"-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS"#)
        rules += perService
        return (["*nat"] + chains.map { ":\($0) - [0:0]" } + rules + ["COMMIT"]).joined(separator: "\n") + "\n"
    }

    /// The chains and rules of one service port with endpoints.
    private func servicePortRules(_ service: KubeService, _ port: KubeService.Port)
        -> (chains: [String], serviceJump: String, nodePortJump: String?, rules: [String]) {
        let name = service.portName(port), proto = port.proto
        let svc = KubeProxyChainName.service(name, proto: proto)
        let match = "-d \(service.clusterIP)/32 -p \(proto) -m comment --comment \"\(name) cluster IP\" -m \(proto) --dport \(port.port)"
        var chains = [svc]
        var rules = ["-A \(svc) ! -s \(clusterCIDR) \(match) -j KUBE-MARK-MASQ"]
        var nodePortJump: String?
        if let nodePort = port.nodePort {
            let ext = KubeProxyChainName.external(name, proto: proto)
            chains.append(ext)
            nodePortJump = "-A KUBE-NODEPORTS -p \(proto) -m comment --comment \"\(name)\" -m \(proto) --dport \(nodePort) -j \(ext)"
            rules += ["-A \(ext) -m comment --comment \"masquerade traffic for \(name) external destinations\" -j KUBE-MARK-MASQ",
                      "-A \(ext) -j \(svc)"]
        }
        var endpointRules: [String] = []
        for (index, endpoint) in service.endpoints.enumerated() {
            let target = "\(endpoint):\(port.targetPort)"
            let sep = KubeProxyChainName.endpoint(name, proto: proto, endpoint: target)
            chains.append(sep)
            let remaining = service.endpoints.count - index
            // kube-proxy picks endpoint i with probability 1/(n-i) among those left, printed with %0.10f.
            let statistic = remaining > 1 ? " -m statistic --mode random --probability \(probability(remaining))" : ""
            rules.append("-A \(svc) -m comment --comment \"\(name) -> \(target)\"\(statistic) -j \(sep)")
            endpointRules += ["-A \(sep) -s \(endpoint)/32 -m comment --comment \"\(name)\" -j KUBE-MARK-MASQ",
                              "-A \(sep) -p \(proto) -m comment --comment \"\(name)\" -m \(proto) -j DNAT --to-destination \(target)"]
        }
        return (chains, "-A KUBE-SERVICES \(match) -j \(svc)", nodePortJump, rules + endpointRules)
    }

    /// `1/n` with ten decimals, as Go's `%0.10f` prints it.
    func probability(_ remaining: Int) -> String {
        let scaled = (10_000_000_000 + remaining / 2) / remaining
        let digits = String(scaled)
        return "0." + String(repeating: "0", count: max(0, 10 - digits.count)) + digits
    }
}
