/// Generates a kube-proxy iptables-mode ruleset (as `iptables-restore` input) in the layout of kube-proxy
/// 1.28+: KUBE-SERVICES → KUBE-SVC-* (masquerade mark, `statistic` cascade, `recent` affinity) → KUBE-SEP-*
/// (hairpin mark, DNAT), KUBE-NODEPORTS/KUBE-EXT-*, KUBE-FW-* with LoadBalancer source ranges, and REJECT
/// rules for services without endpoints in the filter table.
public enum KubeProxyIptablesCorpus {
    public static func generate(services count: Int) -> String {
        var filterChains: [String] = []
        var filterRules: [String] = []
        var natChains: [String] = []
        var natRules: [String] = []
        for index in 0..<count {
            let service = KubeProxyService(index: index)
            add(service, filterRules: &filterRules, natChains: &natChains, natRules: &natRules)
        }
        filterChains = ["KUBE-EXTERNAL-SERVICES", "KUBE-FIREWALL", "KUBE-FORWARD", "KUBE-NODEPORTS",
                        "KUBE-PROXY-FIREWALL", "KUBE-SERVICES"]
        var text = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
        text += filterChains.map { ":\($0) - [0:0]\n" }.joined()
        text += filterBase.joined(separator: "\n") + "\n"
        text += filterRules.map { $0 + "\n" }.joined()
        text += "COMMIT\n*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n"
        text += (["KUBE-MARK-MASQ", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-SERVICES"] + natChains).map { ":\($0) - [0:0]\n" }.joined()
        text += natBase.joined(separator: "\n") + "\n"
        text += natRules.map { $0 + "\n" }.joined()
        text += "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\n"
        return text + "COMMIT\n"
    }

    static let filterBase = [
        "-A INPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL",
        "-A INPUT -m comment --comment \"kubernetes health check service ports\" -j KUBE-NODEPORTS",
        "-A INPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes externally-visible service portals\" -j KUBE-EXTERNAL-SERVICES",
        "-A INPUT -j KUBE-FIREWALL",
        "-A FORWARD -m conntrack --ctstate NEW -m comment --comment \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL",
        "-A FORWARD -m comment --comment \"kubernetes forwarding rules\" -j KUBE-FORWARD",
        "-A FORWARD -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
        "-A FORWARD -m conntrack --ctstate NEW -m comment --comment \"kubernetes externally-visible service portals\" -j KUBE-EXTERNAL-SERVICES",
        "-A OUTPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL",
        "-A OUTPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
        "-A OUTPUT -j KUBE-FIREWALL",
        "-A KUBE-FIREWALL -m comment --comment \"block incoming localnet connections\" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP",
        "-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP",
        "-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding rules\" -m mark --mark 0x4000/0x4000 -j ACCEPT",
        "-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding conntrack rule\" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
    ]

    static let natBase = [
        "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
        "-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
        "-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING",
        "-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000",
        "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN",
        "-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000",
        "-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully",
    ]

    static func add(_ s: KubeProxyService, filterRules: inout [String], natChains: inout [String], natRules: inout [String]) {
        let hash = KubeProxyService.hash(s.servicePortName)
        let match = "-m \(s.proto) -p \(s.proto)"
        if s.kind == .noEndpoints {
            filterRules.append("-A KUBE-SERVICES -m comment --comment \"\(s.servicePortName) has no endpoints\" \(match) -d \(s.clusterIP) --dport \(s.port) -j REJECT --reject-with icmp-port-unreachable")
            return
        }
        let svc = "KUBE-SVC-\(hash)"
        natChains.append(svc)
        natRules.append("-A KUBE-SERVICES -m comment --comment \"\(s.servicePortName) cluster IP\" \(match) -d \(s.clusterIP) --dport \(s.port) -j \(svc)")
        natRules.append("-A \(svc) -m comment --comment \"\(s.servicePortName) cluster IP\" \(match) -d \(s.clusterIP) --dport \(s.port) ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ")
        let endpoints = s.endpoints
        let seps = endpoints.map { "KUBE-SEP-" + KubeProxyService.hash(s.servicePortName + $0) }
        if s.kind == .affinity {
            for (sep, endpoint) in zip(seps, endpoints) {
                natRules.append("-A \(svc) -m comment --comment \"\(s.servicePortName) -> \(endpoint):\(s.targetPort)\" -m recent --name \(sep) --mask 255.255.255.255 --rsource --rcheck --seconds 10800 --reap -j \(sep)")
            }
        }
        for (j, (sep, endpoint)) in zip(seps, endpoints).enumerated() {
            let remaining = endpoints.count - j
            let statistic = remaining > 1 ? " -m statistic --mode random --probability \(probability(remaining))" : ""
            natRules.append("-A \(svc) -m comment --comment \"\(s.servicePortName) -> \(endpoint):\(s.targetPort)\"\(statistic) -j \(sep)")
            natChains.append(sep)
            natRules.append("-A \(sep) -m comment --comment \(s.servicePortName) -s \(endpoint)/32 -j KUBE-MARK-MASQ")
            let recent = s.kind == .affinity ? " -m recent --set --name \(sep) --mask 255.255.255.255 --rsource" : ""
            natRules.append("-A \(sep) -m comment --comment \(s.servicePortName)\(recent) \(match) -j DNAT --to-destination \(endpoint):\(s.targetPort)")
        }
        if s.kind == .nodePort || s.kind == .loadBalancer {
            let ext = "KUBE-EXT-\(hash)"
            natChains.append(ext)
            natRules.append("-A KUBE-NODEPORTS -m comment --comment \(s.servicePortName) \(match) --dport \(s.nodePort) -j \(ext)")
            natRules.append("-A \(ext) -m comment --comment \"masquerade traffic for \(s.servicePortName) external destinations\" -j KUBE-MARK-MASQ")
            natRules.append("-A \(ext) -j \(svc)")
        }
        if s.kind == .loadBalancer {
            let fw = "KUBE-FW-\(hash)"
            natChains.append(fw)
            natRules.append("-A KUBE-SERVICES -m comment --comment \"\(s.servicePortName) loadbalancer IP\" \(match) -d \(s.loadBalancerIP) --dport \(s.port) -j \(fw)")
            natRules.append("-A \(fw) -m comment --comment \"\(s.servicePortName) loadbalancer IP\" -s 203.0.113.0/25 -j KUBE-EXT-\(hash)")
            natRules.append("-A \(fw) -m comment --comment \"other traffic to \(s.servicePortName) will be dropped by KUBE-PROXY-FIREWALL\"")
            filterRules.append("-A KUBE-PROXY-FIREWALL -m comment --comment \"\(s.servicePortName) traffic not accepted by \(fw)\" \(match) -d \(s.loadBalancerIP) --dport \(s.port) -j DROP")
        }
    }

    /// kube-proxy's `%0.10f` of 1/n.
    static func probability(_ n: Int) -> String {
        let scaled = (10_000_000_000 + n / 2) / n
        let digits = String(scaled)
        return "0." + String(repeating: "0", count: max(0, 10 - digits.count)) + digits
    }
}
