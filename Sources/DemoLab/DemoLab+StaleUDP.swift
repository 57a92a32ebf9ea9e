import NetCore

extension DemoTopology {
    /// `demo/dns`: a UDP service (dns 53 → 53) used only by ``DemoLab/makeStaleUDPConntrack()``; its endpoint
    /// starts as web-1 and moves to web-2.
    public static let dns = KubeService(
        namespace: kubernetesNamespace, name: "dns", clusterIP: IPAddress("10.43.0.53")!,
        ports: [KubeService.Port(name: "dns", port: 53, proto: "udp", targetPort: 53)], endpoints: [web1.address])
}

extension DemoLab {
    /// Reproduces a stale UDP conntrack entry: adds kube-proxy rules for ``DemoTopology/dns`` with endpoint
    /// web-1, sends one real datagram from the client pod (the node's conntrack now holds an entry DNATed to
    /// web-1), then moves the service's endpoint to web-2 in kube-proxy's rules without deleting that entry —
    /// what is left when kube-proxy's conntrack cleanup fails. The entry lives for the node's UDP timeout
    /// (30 s unreplied). Not a ``DemoFault``: it does not break pod → ClusterIP:80.
    public func makeStaleUDPConntrack() throws(DemoLabError) {
        let service = DemoTopology.dns
        guard let port = service.ports.first else { return }
        let name = service.portName(port), old = DemoTopology.web1.address, new = DemoTopology.web2.address
        let (addRules, moveRules, command) = proxyMode == .iptables
            ? (Self.iptablesDNS(service, port, name, endpoint: old, first: true),
               Self.iptablesDNS(service, port, name, endpoint: new, first: false, previous: old), ["iptables-nft-restore", "--noflush"])
            : (Self.nftDNS(service, port, endpoint: old, first: true),
               Self.nftDNS(service, port, endpoint: new, first: false, previous: old), ["nft", "-f", "-"])
        try step("add UDP service \(name)") { () throws(DemoLabError) in
            try LabCommand.run(in: nodeNamespace, command, input: addRules)
        }
        try step("send a datagram from the client to \(service.clusterIP):\(port.port)") { () throws(DemoLabError) in
            try LabCommand.run(in: namespace(of: DemoTopology.client),
                               ["bash", "-c", "echo stale > /dev/udp/\(service.clusterIP)/\(port.port)"])
        }
        try step("move \(name)'s endpoint to \(new) without clearing conntrack") { () throws(DemoLabError) in
            try LabCommand.run(in: nodeNamespace, command, input: moveRules)
        }
    }

    static func iptablesDNS(_ service: KubeService, _ port: KubeService.Port, _ name: String, endpoint: IPAddress,
                            first: Bool, previous: IPAddress? = nil) -> String {
        let proto = port.proto, svc = KubeProxyChainName.service(name, proto: proto)
        let sep = KubeProxyChainName.endpoint(name, proto: proto, endpoint: "\(endpoint):\(port.targetPort)")
        let match = "-d \(service.clusterIP)/32 -p \(proto) -m comment --comment \"\(name) cluster IP\" -m \(proto) --dport \(port.port)"
        var lines = ["*nat"]
        if first {
            lines += [":\(svc) - [0:0]", ":\(sep) - [0:0]", "-I KUBE-SERVICES 1 \(match) -j \(svc)"]
        } else {
            lines += [":\(sep) - [0:0]", "-F \(svc)"]
        }
        lines += ["-A \(svc) ! -s \(DemoTopology.clusterCIDR) \(match) -j KUBE-MARK-MASQ",
                  "-A \(svc) -m comment --comment \"\(name) -> \(endpoint):\(port.targetPort)\" -j \(sep)",
                  "-A \(sep) -s \(endpoint)/32 -m comment --comment \"\(name)\" -j KUBE-MARK-MASQ",
                  "-A \(sep) -p \(proto) -m comment --comment \"\(name)\" -m \(proto) -j DNAT --to-destination \(endpoint):\(port.targetPort)"]
        if let previous {
            let old = KubeProxyChainName.endpoint(name, proto: proto, endpoint: "\(previous):\(port.targetPort)")
            lines += ["-F \(old)", "-X \(old)"]
        }
        return (lines + ["COMMIT"]).joined(separator: "\n") + "\n"
    }

    static func nftDNS(_ service: KubeService, _ port: KubeService.Port, endpoint: IPAddress, first: Bool,
                       previous: IPAddress? = nil) -> String {
        let table = "ip kube-proxy", proto = port.proto
        let base = "\(service.namespace)/\(service.name)/\(proto)/\(port.name ?? "")"
        let svc = KubeProxyNFTRules.chainName("service", base)
        let ep = KubeProxyNFTRules.chainName("endpoint", "\(base)__\(endpoint)/\(port.targetPort)")
        var lines: [String] = []
        if first {
            lines += ["add chain \(table) \(svc)", "add element \(table) cluster-ips { \(service.clusterIP) }"]
        } else {
            lines.append("flush chain \(table) \(svc)")
        }
        lines += ["add chain \(table) \(ep)",
                  "add rule \(table) \(ep) ip saddr \(endpoint) jump mark-for-masquerade",
                  "add rule \(table) \(ep) meta l4proto \(proto) dnat to \(endpoint):\(port.targetPort)",
                  "add rule \(table) \(svc) ip daddr \(service.clusterIP) ip saddr != \(DemoTopology.clusterCIDR) jump mark-for-masquerade",
                  "add rule \(table) \(svc) numgen random mod 1 vmap { 0 : goto \(ep) }"]
        if first {
            lines.append("add element \(table) service-ips { \(service.clusterIP) . \(proto) . \(port.port) : goto \(svc) }")
        }
        if let previous {
            lines.append("delete chain \(table) " + KubeProxyNFTRules.chainName("endpoint", "\(base)__\(previous)/\(port.targetPort)"))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
