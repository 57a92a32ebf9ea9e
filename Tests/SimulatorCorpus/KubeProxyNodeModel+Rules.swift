import NetCore
import NFTables
import RulesetCorpus

extension KubeProxyNodeModel {
    /// Collects chains and rules of the `ip nat` and `ip filter` tables in kube-proxy's order.
    struct RuleBuilder {
        typealias M = KubeProxyNodeModel
        var chains: [Chain] = []
        var rules: [Rule] = []
        private var handle: UInt64 = 1
        private var known: Set<String> = []

        mutating func chain(_ table: String, _ name: String, hook: Hook? = nil, priority: Int32 = 0) {
            guard known.insert(table + "/" + name).inserted else { return }
            let kind: Chain.Kind = hook.map { .base(BaseChain(hook: $0, priority: priority, type: table == "nat" ? "nat" : "filter",
                                                              policy: .accept)) } ?? .regular
            chains.append(Chain(family: .ip, table: table, name: name, kind: kind))
        }

        mutating func add(_ table: String, _ chainName: String, _ expressions: [Expression]) {
            chain(table, chainName)
            rules.append(Rule(family: .ip, table: table, chain: chainName, handle: handle, expressions: expressions))
            handle += 1
        }

        mutating func nat(_ chain: String, _ expressions: [Expression]) { add("nat", chain, expressions) }
        mutating func filter(_ chain: String, _ expressions: [Expression]) { add("filter", chain, expressions) }

        /// The base chains and kube-proxy's fixed rules.
        mutating func base() {
            chain("nat", "PREROUTING", hook: .prerouting, priority: -100)
            chain("nat", "INPUT", hook: .input, priority: 100)
            chain("nat", "OUTPUT", hook: .output, priority: -100)
            chain("nat", "POSTROUTING", hook: .postrouting, priority: 100)
            chain("filter", "INPUT", hook: .input)
            chain("filter", "FORWARD", hook: .forward)
            chain("filter", "OUTPUT", hook: .output)
            for name in ["KUBE-MARK-MASQ", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-SERVICES"] { chain("nat", name) }
            for name in ["KUBE-EXTERNAL-SERVICES", "KUBE-FIREWALL", "KUBE-FORWARD", "KUBE-NODEPORTS", "KUBE-PROXY-FIREWALL",
                         "KUBE-SERVICES"] { chain("filter", name) }
            let new: UInt16 = 8, invalid: UInt16 = 1, established: UInt16 = 2, related: UInt16 = 4, dnat: UInt16 = 128
            filter("INPUT", [M.ctstate(new), M.comment("kubernetes load balancer firewall"), M.counter, M.jump("KUBE-PROXY-FIREWALL")])
            filter("INPUT", [M.comment("kubernetes health check service ports"), M.counter, M.jump("KUBE-NODEPORTS")])
            filter("INPUT", [M.ctstate(new), M.comment("kubernetes externally-visible service portals"), M.counter,
                             M.jump("KUBE-EXTERNAL-SERVICES")])
            filter("INPUT", [M.counter, M.jump("KUBE-FIREWALL")])
            filter("FORWARD", [M.ctstate(new), M.comment("kubernetes load balancer firewall"), M.counter, M.jump("KUBE-PROXY-FIREWALL")])
            filter("FORWARD", [M.comment("kubernetes forwarding rules"), M.counter, M.jump("KUBE-FORWARD")])
            filter("FORWARD", [M.ctstate(new), M.comment("kubernetes service portals"), M.counter, M.jump("KUBE-SERVICES")])
            filter("FORWARD", [M.ctstate(new), M.comment("kubernetes externally-visible service portals"), M.counter,
                               M.jump("KUBE-EXTERNAL-SERVICES")])
            filter("OUTPUT", [M.ctstate(new), M.comment("kubernetes load balancer firewall"), M.counter, M.jump("KUBE-PROXY-FIREWALL")])
            filter("OUTPUT", [M.ctstate(new), M.comment("kubernetes service portals"), M.counter, M.jump("KUBE-SERVICES")])
            filter("OUTPUT", [M.counter, M.jump("KUBE-FIREWALL")])
            filter("KUBE-FIREWALL", M.prefix(12, "127.0.0.0/8", op: .neq) + M.prefix(16, "127.0.0.0/8")
                   + [M.comment("block incoming localnet connections"), M.ctstate(related | established | dnat, inverted: true),
                      M.counter, M.verdict(.drop)])
            filter("KUBE-FORWARD", [M.ctstate(invalid), M.counter, M.verdict(.drop)])
            filter("KUBE-FORWARD", [M.comment("kubernetes forwarding rules")] + M.metaMark(0x4000, op: .eq) + [M.counter, M.verdict(.accept)])
            filter("KUBE-FORWARD", [M.comment("kubernetes forwarding conntrack rule"), M.ctstate(related | established), M.counter,
                                    M.verdict(.accept)])
            nat("PREROUTING", [M.comment("kubernetes service portals"), M.counter, M.jump("KUBE-SERVICES")])
            nat("OUTPUT", [M.comment("kubernetes service portals"), M.counter, M.jump("KUBE-SERVICES")])
            nat("POSTROUTING", [M.comment("kubernetes postrouting rules"), M.counter, M.jump("KUBE-POSTROUTING")])
            nat("KUBE-MARK-MASQ", [M.counter, M.markTarget(0x4000, mask: 0x4000)])
            nat("KUBE-POSTROUTING", M.metaMark(0x4000, op: .neq) + [M.counter, M.verdict(.return)])
            nat("KUBE-POSTROUTING", [M.counter, M.markTarget(0x4000, mask: 0)])
            nat("KUBE-POSTROUTING", [M.comment("kubernetes service traffic requiring SNAT"), M.counter,
                                     .target(CompatExtension(name: "MASQUERADE", revision: 0, info: M.blob(24, u32: [(0, 1), (4, 16)])))])
        }

        /// One service's rules, as `KubeProxyIptablesCorpus.add` writes them.
        mutating func add(_ s: KubeProxyService) {
            let hash = KubeProxyService.hash(s.servicePortName)
            let match = M.proto(s.proto)
            if s.kind == .noEndpoints {
                filter("KUBE-SERVICES", match + M.address(16, s.clusterIP) + [M.comment("\(s.servicePortName) has no endpoints")]
                       + M.dport(s.port) + [M.counter, .target(CompatExtension(name: "REJECT", revision: 0, info: M.blob(8, u32: [(0, 3)])))])
                return
            }
            let svc = "KUBE-SVC-\(hash)"
            chain("nat", svc)
            nat("KUBE-SERVICES", match + M.address(16, s.clusterIP) + [M.comment("\(s.servicePortName) cluster IP")] + M.dport(s.port)
                + [M.counter, M.jump(svc)])
            nat(svc, match + M.prefix(12, "10.0.0.0/8", op: .neq) + M.address(16, s.clusterIP)
                + [M.comment("\(s.servicePortName) cluster IP")] + M.dport(s.port) + [M.counter, M.jump("KUBE-MARK-MASQ")])
            let endpoints = s.endpoints
            for (j, endpoint) in endpoints.enumerated() {
                let sep = "KUBE-SEP-" + KubeProxyService.hash(s.servicePortName + endpoint)
                chain("nat", sep)
                let remaining = endpoints.count - j
                let statistic = remaining > 1 ? [M.statistic(1.0 / Double(remaining))] : []
                nat(svc, [M.comment("\(s.servicePortName) -> \(endpoint):\(s.targetPort)")] + statistic + [M.counter, M.jump(sep)])
                nat(sep, M.address(12, endpoint) + [M.comment(s.servicePortName), M.counter, M.jump("KUBE-MARK-MASQ")])
                nat(sep, match + [M.comment(s.servicePortName), M.portMatch(s.proto), M.counter, M.dnat(endpoint, s.targetPort)])
            }
            if s.kind == .nodePort || s.kind == .loadBalancer {
                let ext = "KUBE-EXT-\(hash)"
                chain("nat", ext)
                nat("KUBE-NODEPORTS", match + [M.comment(s.servicePortName)] + M.dport(s.nodePort) + [M.counter, M.jump(ext)])
                nat(ext, [M.comment("masquerade traffic for \(s.servicePortName) external destinations"), M.counter,
                          M.jump("KUBE-MARK-MASQ")])
                nat(ext, [M.counter, M.jump(svc)])
            }
            if s.kind == .loadBalancer {
                let fw = "KUBE-FW-\(hash)"
                chain("nat", fw)
                nat("KUBE-SERVICES", match + M.address(16, s.loadBalancerIP) + [M.comment("\(s.servicePortName) loadbalancer IP")]
                    + M.dport(s.port) + [M.counter, M.jump(fw)])
                nat(fw, M.prefix(12, "203.0.113.0/25") + [M.comment("\(s.servicePortName) loadbalancer IP"), M.counter,
                                                           M.jump("KUBE-EXT-\(hash)")])
                nat(fw, [M.comment("other traffic to \(s.servicePortName) will be dropped by KUBE-PROXY-FIREWALL"), M.counter])
                filter("KUBE-PROXY-FIREWALL", match + M.address(16, s.loadBalancerIP)
                       + [M.comment("\(s.servicePortName) traffic not accepted by \(fw)")] + M.dport(s.port) + [M.counter, M.verdict(.drop)])
            }
        }
    }
}
