import NetCore

/// Generates kube-proxy's nftables-mode ruleset (`--proxy-mode=nftables`, v1.31+) for a set of services, as
/// the `nft -f` script kube-proxy's transaction amounts to: `table ip kube-proxy` with the `service-ips`
/// verdict map (`ClusterIP . proto . port : goto service-HASH-ns/name/proto/port`), per-service chains that
/// masquerade off-cluster sources and pick an endpoint with `numgen random mod N`, per-endpoint chains
/// that DNAT, and `no-endpoint-services` elements (with the `ns/name:port` comment) that go to
/// `reject-chain`.
public struct KubeProxyNFTRules: Sendable {
    public var services: [KubeService]
    public var clusterCIDR: IPPrefix
    /// `--service-cluster-ip-range`: traffic to unallocated ClusterIPs is dropped.
    public var serviceCIDR: IPPrefix
    /// Addresses that accept NodePort traffic.
    public var nodeAddresses: [IPAddress]

    public init(services: [KubeService], clusterCIDR: IPPrefix, serviceCIDR: IPPrefix, nodeAddresses: [IPAddress]) {
        self.services = services
        self.clusterCIDR = clusterCIDR
        self.serviceCIDR = serviceCIDR
        self.nodeAddresses = nodeAddresses
    }

    /// kube-proxy's nftables chain name: `PREFIX-HASH-BASE`, HASH the first 8 base32 characters of the
    /// SHA-256 of BASE (`ns/name/proto/port`, plus `__ip/port` for endpoints).
    static func chainName(_ prefix: String, _ base: String) -> String {
        "\(prefix)-\(String(KubeProxyChainName.base32(SHA256.digest(Array(base.utf8))).prefix(8)))-\(base)"
    }

    /// The script for `nft -f`.
    public func nftScript() -> String {
        var chains: [String] = [], rules: [String] = [], elements: [String] = []
        for service in services {
            elements.append("add element ip kube-proxy cluster-ips { \(service.clusterIP) }")
            for port in service.ports {
                let base = "\(service.namespace)/\(service.name)/\(port.proto)/\(port.name ?? "")"
                guard !service.endpoints.isEmpty else {
                    elements.append("add element ip kube-proxy no-endpoint-services { \(service.clusterIP) . \(port.proto) . \(port.port) "
                        + "comment \"\(service.portName(port))\" : goto reject-chain }")
                    continue
                }
                let generated = servicePort(service, port, base: base)
                chains += generated.chains
                rules += generated.rules
                elements += generated.elements
            }
        }
        let header = baseDefinitions()
        return (header + chains.map { "add chain ip kube-proxy \($0)" } + rules + elements).joined(separator: "\n") + "\n"
    }

    private func servicePort(_ service: KubeService, _ port: KubeService.Port, base: String)
        -> (chains: [String], rules: [String], elements: [String]) {
        let svc = KubeProxyNFTRules.chainName("service", base)
        var chains = [svc], rules: [String] = [], elements: [String] = []
        let endpoints = service.endpoints.map { endpoint -> (chain: String, address: IPAddress) in
            (KubeProxyNFTRules.chainName("endpoint", "\(base)__\(endpoint)/\(port.targetPort)"), endpoint)
        }
        rules.append("add rule ip kube-proxy \(svc) ip daddr \(service.clusterIP) ip saddr != \(clusterCIDR) jump mark-for-masquerade")
        let vmap = endpoints.enumerated().map { "\($0.offset) : goto \($0.element.chain)" }.joined(separator: " , ")
        rules.append("add rule ip kube-proxy \(svc) numgen random mod \(endpoints.count) vmap { \(vmap) }")
        if let nodePort = port.nodePort {
            let ext = KubeProxyNFTRules.chainName("external", base)
            chains.append(ext)
            rules += ["add rule ip kube-proxy \(ext) jump mark-for-masquerade", "add rule ip kube-proxy \(ext) goto \(svc)"]
            elements.append("add element ip kube-proxy service-nodeports { \(port.proto) . \(nodePort) : goto \(ext) }")
        }
        for endpoint in endpoints {
            chains.append(endpoint.chain)
            rules += ["add rule ip kube-proxy \(endpoint.chain) ip saddr \(endpoint.address) jump mark-for-masquerade",
                      "add rule ip kube-proxy \(endpoint.chain) meta l4proto \(port.proto) dnat to \(endpoint.address):\(port.targetPort)"]
        }
        elements.append("add element ip kube-proxy service-ips { \(service.clusterIP) . \(port.proto) . \(port.port) : goto \(svc) }")
        return (chains, rules, elements)
    }

    /// The table, sets, maps, base chains and fixed rules every kube-proxy nftables ruleset has.
    private func baseDefinitions() -> [String] {
        let table = "ip kube-proxy"
        let verdictMap = "type ipv4_addr . inet_proto . inet_service : verdict"
        var lines = [
            "add table \(table) { comment \"rules for kube-proxy\" ; }",
            "add set \(table) cluster-ips { type ipv4_addr ; comment \"Active ClusterIPs\" ; }",
            "add set \(table) nodeport-ips { type ipv4_addr ; comment \"IPs that accept NodePort traffic\" ; }",
            "add map \(table) firewall-ips { \(verdictMap) ; comment \"destinations that are subject to LoadBalancerSourceRanges\" ; }",
            "add map \(table) no-endpoint-nodeports { type inet_proto . inet_service : verdict ; comment \"vmap to drop or reject packets to service nodeports with no endpoints\" ; }",
            "add map \(table) no-endpoint-services { \(verdictMap) ; comment \"vmap to drop or reject packets to services with no endpoints\" ; }",
            "add map \(table) service-ips { \(verdictMap) ; comment \"ClusterIP, ExternalIP and LoadBalancer IP traffic\" ; }",
            "add map \(table) service-nodeports { type inet_proto . inet_service : verdict ; comment \"NodePort traffic\" ; }",
        ]
        let chains = [
            "cluster-ips-check", "filter-prerouting-pre-dnat { type filter hook prerouting priority -110 ; }",
            "filter-output-pre-dnat { type filter hook output priority -110 ; }",
            "filter-forward { type filter hook forward priority 0 ; }", "filter-input { type filter hook input priority 0 ; }",
            "filter-output { type filter hook output priority 0 ; }", "firewall-check", "mark-for-masquerade", "masquerading",
            "nat-output { type nat hook output priority -100 ; }", "nat-postrouting { type nat hook postrouting priority 100 ; }",
            "nat-prerouting { type nat hook prerouting priority -100 ; }", "nodeport-endpoints-check",
            "reject-chain { comment \"helper for @no-endpoint-services / @no-endpoint-nodeports\" ; }", "services",
            "service-endpoints-check",
        ]
        lines += chains.map { "add chain \(table) \($0)" }
        let rules = [
            "cluster-ips-check ip daddr @cluster-ips reject comment \"Reject traffic to invalid ports of ClusterIPs\"",
            "cluster-ips-check ip daddr { \(serviceCIDR) } drop comment \"Drop traffic to unallocated ClusterIPs\"",
            "filter-prerouting-pre-dnat ct state new jump firewall-check",
            "filter-forward ct state new jump service-endpoints-check", "filter-forward ct state new jump cluster-ips-check",
            "filter-input ct state new jump nodeport-endpoints-check", "filter-input ct state new jump service-endpoints-check",
            "filter-output ct state new jump service-endpoints-check", "filter-output-pre-dnat ct state new jump firewall-check",
            "filter-output ct state new jump cluster-ips-check",
            "firewall-check ip daddr . meta l4proto . th dport vmap @firewall-ips",
            "mark-for-masquerade mark set mark or 0x4000", "masquerading mark and 0x4000 == 0 return",
            "masquerading mark set mark xor 0x4000", "masquerading masquerade fully-random",
            "nat-output jump services", "nat-postrouting jump masquerading", "nat-prerouting jump services",
            "nodeport-endpoints-check ip daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports",
            "reject-chain reject", "services ip daddr . meta l4proto . th dport vmap @service-ips",
            "services ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports",
            "service-endpoints-check ip daddr . meta l4proto . th dport vmap @no-endpoint-services",
        ]
        lines += rules.map { "add rule \(table) \($0)" }
        lines += nodeAddresses.map { "add element \(table) nodeport-ips { \($0) }" }
        return lines
    }
}
