/// Generates a kube-proxy nftables-mode ruleset (`nft -f` input) in the upstream layout of `table ip
/// kube-proxy` (pkg/proxy/nftables): concatenated verdict maps (`service-ips`, `service-nodeports`,
/// `no-endpoint-*`, `firewall-ips`), `numgen random mod N vmap`, `fib daddr type local`, affinity sets with
/// `update @set { ip saddr }`, and masquerade marks.
public enum KubeProxyNFTCorpus {
    public static func generate(services count: Int) -> String {
        var lines: [String] = []
        for index in 0..<count { add(KubeProxyService(index: index), to: &lines) }
        // Chains and sets first, as kube-proxy's transaction does: rules may only jump to existing chains.
        let declarations = lines.filter { $0.hasPrefix("add chain") || $0.hasPrefix("add set") }
        let rest = lines.filter { !($0.hasPrefix("add chain") || $0.hasPrefix("add set")) }
        return (base + declarations + rest).joined(separator: "\n") + "\n"
    }

    static let base = [
        "add table ip kube-proxy { comment \"rules for kube-proxy\" ; }",
        "add set ip kube-proxy cluster-ips { type ipv4_addr ; comment \"Active ClusterIPs\" ; }",
        "add set ip kube-proxy nodeport-ips { type ipv4_addr ; comment \"IPs that accept NodePort traffic\" ; }",
        "add map ip kube-proxy firewall-ips { type ipv4_addr . inet_proto . inet_service : verdict ; comment \"destinations that are subject to LoadBalancerSourceRanges\" ; }",
        "add map ip kube-proxy no-endpoint-nodeports { type inet_proto . inet_service : verdict ; comment \"vmap to drop or reject packets to service nodeports with no endpoints\" ; }",
        "add map ip kube-proxy no-endpoint-services { type ipv4_addr . inet_proto . inet_service : verdict ; comment \"vmap to drop or reject packets to services with no endpoints\" ; }",
        "add map ip kube-proxy service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; comment \"ClusterIP, ExternalIP and LoadBalancer IP traffic\" ; }",
        "add map ip kube-proxy service-nodeports { type inet_proto . inet_service : verdict ; comment \"NodePort traffic\" ; }",
        "add chain ip kube-proxy cluster-ips-check",
        "add chain ip kube-proxy filter-prerouting-pre-dnat { type filter hook prerouting priority -110 ; }",
        "add chain ip kube-proxy filter-output-pre-dnat { type filter hook output priority -110 ; }",
        "add chain ip kube-proxy filter-forward { type filter hook forward priority 0 ; }",
        "add chain ip kube-proxy filter-input { type filter hook input priority 0 ; }",
        "add chain ip kube-proxy filter-output { type filter hook output priority 0 ; }",
        "add chain ip kube-proxy firewall-check",
        "add chain ip kube-proxy mark-for-masquerade",
        "add chain ip kube-proxy masquerading",
        "add chain ip kube-proxy nat-output { type nat hook output priority -100 ; }",
        "add chain ip kube-proxy nat-postrouting { type nat hook postrouting priority 100 ; }",
        "add chain ip kube-proxy nat-prerouting { type nat hook prerouting priority -100 ; }",
        "add chain ip kube-proxy nodeport-endpoints-check",
        "add chain ip kube-proxy reject-chain { comment \"helper for @no-endpoint-services / @no-endpoint-nodeports\" ; }",
        "add chain ip kube-proxy services",
        "add chain ip kube-proxy service-endpoints-check",
        "add rule ip kube-proxy cluster-ips-check ip daddr @cluster-ips reject comment \"Reject traffic to invalid ports of ClusterIPs\"",
        "add rule ip kube-proxy cluster-ips-check ip daddr { 172.30.0.0/16 } drop comment \"Drop traffic to unallocated ClusterIPs\"",
        "add rule ip kube-proxy filter-prerouting-pre-dnat ct state new jump firewall-check",
        "add rule ip kube-proxy filter-forward ct state new jump service-endpoints-check",
        "add rule ip kube-proxy filter-forward ct state new jump cluster-ips-check",
        "add rule ip kube-proxy filter-input ct state new jump nodeport-endpoints-check",
        "add rule ip kube-proxy filter-input ct state new jump service-endpoints-check",
        "add rule ip kube-proxy filter-output ct state new jump service-endpoints-check",
        "add rule ip kube-proxy filter-output-pre-dnat ct state new jump firewall-check",
        "add rule ip kube-proxy filter-output ct state new jump cluster-ips-check",
        "add rule ip kube-proxy firewall-check ip daddr . meta l4proto . th dport vmap @firewall-ips",
        "add rule ip kube-proxy mark-for-masquerade mark set mark or 0x4000",
        "add rule ip kube-proxy masquerading mark and 0x4000 == 0 return",
        "add rule ip kube-proxy masquerading mark set mark xor 0x4000",
        "add rule ip kube-proxy masquerading masquerade fully-random",
        "add rule ip kube-proxy nat-output jump services",
        "add rule ip kube-proxy nat-postrouting jump masquerading",
        "add rule ip kube-proxy nat-prerouting jump services",
        "add rule ip kube-proxy nodeport-endpoints-check ip daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports",
        "add rule ip kube-proxy reject-chain reject",
        "add rule ip kube-proxy services ip daddr . meta l4proto . th dport vmap @service-ips",
        "add rule ip kube-proxy services ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports",
        "add element ip kube-proxy nodeport-ips { 192.168.0.2 }",
        "add rule ip kube-proxy service-endpoints-check ip daddr . meta l4proto . th dport vmap @no-endpoint-services",
    ]

    static func add(_ s: KubeProxyService, to lines: inout [String]) {
        let hash = String(KubeProxyService.hash(s.servicePortName).prefix(8))
        let id = "\(s.namespace)/\(s.name)/\(s.proto)/\(s.portName)"
        let service = "service-\(hash)-\(id)"
        let table = "ip kube-proxy"
        lines.append("add element \(table) cluster-ips { \(s.clusterIP) }")
        if s.kind == .noEndpoints {
            lines.append("add element \(table) no-endpoint-services { \(s.clusterIP) . \(s.proto) . \(s.port) comment \"\(s.namespace)/\(s.name):\(s.portName)\" : goto reject-chain }")
            return
        }
        let endpoints = s.endpoints
        let chains = endpoints.map { "endpoint-\(String(KubeProxyService.hash(s.servicePortName + $0).prefix(8)))-\(id)__\($0)/\(s.targetPort)" }
        lines.append("add chain \(table) \(service)")
        lines.append("add rule \(table) \(service) ip daddr \(s.clusterIP) \(s.proto) dport \(s.port) ip saddr != 10.0.0.0/8 jump mark-for-masquerade")
        if s.kind == .affinity {
            for chain in chains {
                let affinity = "affinity-" + chain.dropFirst("endpoint-".count)
                lines.append("add set \(table) \(affinity) { type ipv4_addr ; flags dynamic,timeout ; timeout 10800s ; }")
                lines.append("add rule \(table) \(service) ip saddr @\(affinity) goto \(chain)")
            }
        }
        let vmap = chains.enumerated().map { "\($0.offset) : goto \($0.element)" }.joined(separator: " , ")
        lines.append("add rule \(table) \(service) numgen random mod \(chains.count) vmap { \(vmap) }")
        for (chain, endpoint) in zip(chains, endpoints) {
            lines.append("add chain \(table) \(chain)")
            lines.append("add rule \(table) \(chain) ip saddr \(endpoint) jump mark-for-masquerade")
            if s.kind == .affinity {
                let affinity = "affinity-" + chain.dropFirst("endpoint-".count)
                lines.append("add rule \(table) \(chain) update @\(affinity) { ip saddr }")
            }
            lines.append("add rule \(table) \(chain) meta l4proto \(s.proto) dnat to \(endpoint):\(s.targetPort)")
        }
        lines.append("add element \(table) service-ips { \(s.clusterIP) . \(s.proto) . \(s.port) : goto \(service) }")
        if s.kind == .nodePort || s.kind == .loadBalancer {
            let external = "external-\(hash)-\(id)"
            lines.append("add chain \(table) \(external)")
            lines.append("add rule \(table) \(external) ip saddr 10.0.0.0/8 goto \(service) comment \"short-circuit pod traffic\"")
            lines.append("add rule \(table) \(external) fib saddr type local jump mark-for-masquerade comment \"masquerade local traffic\"")
            lines.append("add rule \(table) \(external) fib saddr type local goto \(service) comment \"short-circuit local traffic\"")
            lines.append("add rule \(table) \(external) jump mark-for-masquerade")
            lines.append("add rule \(table) \(external) goto \(service)")
            lines.append("add element \(table) service-nodeports { \(s.proto) . \(s.nodePort) : goto \(external) }")
            if s.kind == .loadBalancer {
                let firewall = "firewall-\(hash)-\(id)"
                lines.append("add chain \(table) \(firewall)")
                lines.append("add rule \(table) \(firewall) ip saddr != { 203.0.113.0/25 } drop")
                lines.append("add element \(table) service-ips { \(s.loadBalancerIP) . \(s.proto) . \(s.port) : goto \(external) }")
                lines.append("add element \(table) firewall-ips { \(s.loadBalancerIP) . \(s.proto) . \(s.port) : goto \(firewall) }")
            }
        }
    }
}
