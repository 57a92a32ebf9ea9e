import NetCore
import NFTables
import Render
import Simulator

extension DoctorContext {
    /// `nat_capture_before_kube_proxy`, by the rules' shape: in the node's nat prerouting/output base chains
    /// that run before kube-proxy's (or at its priority), a DNAT/REDIRECT — directly or in a chain jumped to —
    /// reached before the `KUBE-SERVICES` jump, without a local-destination guard.
    func unguardedNATCaptures() -> [Finding] {
        guard let graph = graphs[node] else { return [] }
        var findings: [Finding] = []
        for chain in graph.baseChains {
            guard let base = chain.base, base.type == "nat", base.hook == .prerouting || base.hook == .output,
                  base.priority <= -100, chain.table != "kube-proxy" else { continue }
            for rule in graph.rules(chain.family, chain.table, chain.name) {
                let shape = RuleShape(rule)
                if let target = shape.target, DoctorContext.isKubeProxy(table: chain.table, chain: target) { break }
                guard !shape.localGuard, !excludesServices(rule) else { continue }
                var captured: [Rule] = shape.captures ? [rule] : []
                if let target = shape.target {
                    captured = graph.reachable(from: chain.family, chain.table, target).filter {
                        let reached = RuleShape($0)
                        return reached.captures && !reached.localGuard && !excludesServices($0)
                    }
                }
                guard let first = captured.first else { continue }
                var evidence = captured.map { Evidence.rule(self.evidence($0, in: node)) }
                if first != rule { evidence.append(.rule(self.evidence(rule, in: node))) }
                let hook = base.hook.name(in: chain.family)
                let action = first == rule ? "rewrites" : "jumps to \(shape.target ?? ""), which rewrites"
                findings.append(Finding(
                    check: .natCaptureBeforeKubeProxy, severity: .error,
                    summary: "\(chain.family) \(chain.table) \(chain.name) (\(hook), priority \(base.priority)) \(action) "
                        + "the destination of traffic to any destination address (no local-destination guard), ahead of kube-proxy",
                    evidence: evidence, fix: DoctorContext.captureFix))
            }
        }
        return findings
    }

    /// Whether an iptables rule names destinations (`-d`) that hold no service address, so services are safe.
    private func excludesServices(_ rule: Rule) -> Bool {
        guard rule.family == .ip || rule.family == .ip6, case .rule(let decoded) = IptablesDecoder(family: rule.family).decode(rule),
              let destination = IptablesArguments(decoded.arguments).value("-d"),
              let prefix = IPPrefix(destination.contains("/") ? destination : destination + (rule.family == .ip ? "/32" : "/128"))
        else { return false }
        return !services.services.contains { prefix.contains($0.address) }
    }

    /// `sidecar_redirect_without_listener`: in a pod namespace, a REDIRECT in a nat output chain (a mesh
    /// sidecar's init rules) to a port where no socket listens.
    func sidecarRedirects() -> [Finding] {
        var findings: [Finding] = []
        for pod in pods {
            guard let graph = graphs[pod], let namespace = model.namespaces[pod] else { continue }
            var evidence: [Evidence] = []
            var ports: [UInt16] = []
            for chain in graph.baseChains {
                guard let base = chain.base, base.type == "nat", base.hook == .output || base.hook == .prerouting else { continue }
                for rule in graph.reachable(from: chain.family, chain.table, chain.name) {
                    let shape = RuleShape(rule)
                    guard shape.redirect, let port = shape.redirectPort else { continue }
                    if namespace.listeners.contains(where: { $0.proto == .tcp && $0.port == port }) { continue }
                    let item = Evidence.rule(self.evidence(rule, in: pod))
                    if !evidence.contains(item) { evidence.append(item); ports.append(port) }
                }
            }
            guard !evidence.isEmpty else { continue }
            findings.append(sidecarFinding(pod: pod, evidence: evidence,
                                           detail: "nothing listens on redirected port\(ports.count > 1 ? "s" : "") "
                                               + ports.map(String.init).joined(separator: ", ")))
        }
        return findings
    }

    func sidecarFinding(pod: String, evidence: [Evidence], detail: String) -> Finding {
        Finding(check: .sidecarRedirectWithoutListener, severity: .error,
                summary: "\(podLabel(pod)) redirects its traffic to a local proxy port (mesh sidecar init rules) but \(detail)",
                evidence: evidence,
                fix: "start the sidecar proxy (check its container and readiness), or remove the pod's redirect rules / "
                    + "the mesh injection annotation and restart the pod")
    }

    /// `shared_hook_priority`: another table's base chain registered at the same hook and priority as one of
    /// kube-proxy's, holding rules that rewrite or end packets; only the (invisible) registration order
    /// decides which runs first.
    func sharedHookPriorities() -> [Finding] {
        guard let graph = graphs[node] else { return [] }
        let kubeProxy = graph.baseChains.filter { isKubeProxyBase($0, graph) }
        guard !kubeProxy.isEmpty else { return [] }
        var findings: [Finding] = []
        for chain in graph.baseChains where !kubeProxy.contains(chain) {
            guard let base = chain.base else { continue }
            let peers = kubeProxy.filter { other in
                guard let otherBase = other.base, otherBase.hook == base.hook, otherBase.priority == base.priority,
                      other.table != chain.table || other.family != chain.family else { return false }
                return chain.family == other.family || chain.family == .inet || other.family == .inet
            }
            guard let peer = peers.first else { continue }
            let decisive = graph.reachable(from: chain.family, chain.table, chain.name).first {
                let shape = RuleShape($0)
                return shape.captures || shape.blocks
            }
            guard decisive != nil || base.policy == .drop else { continue }
            var evidence: [Evidence] = [.chain(chainEvidence(chain)), .chain(chainEvidence(peer))]
            if let decisive { evidence.insert(.rule(self.evidence(decisive, in: node)), at: 0) }
            let hook = base.hook.name(in: chain.family)
            let effect = decisive.map { RuleShape($0).captures ? "rewrites" : "drops" } ?? "drops"
            findings.append(Finding(
                check: .sharedHookPriority, severity: .warning,
                summary: "\(chain.family) \(chain.table) \(chain.name) and kube-proxy's \(peer.family) \(peer.table) \(peer.name) "
                    + "both run at \(hook) priority \(base.priority); which runs first is the registration order, which "
                    + "the kernel does not show, and \(chain.name) \(effect) packets",
                evidence: evidence,
                fix: DoctorContext.backend(family: chain.family, table: chain.table) == "iptables-nft"
                    ? "iptables-nft's base chains have fixed priorities: move these rules into an nftables chain that runs after "
                        + "kube-proxy's (priority \(base.type == "nat" ? "dstnat" : "filter") + 10), or make them not match service traffic"
                    : "give \(chain.table) \(chain.name) a distinct priority (e.g. \(base.type == "nat" ? "dstnat" : "filter") + 10 "
                        + "to run after kube-proxy), or move its rules into a chain that runs after kube-proxy's"))
        }
        return findings
    }

    private func isKubeProxyBase(_ chain: Chain, _ graph: RuleGraph) -> Bool {
        if chain.table == "kube-proxy" { return true }
        return graph.rules(chain.family, chain.table, chain.name).contains {
            RuleShape($0).target.map { DoctorContext.isKubeProxy(table: chain.table, chain: $0) } ?? false
        }
    }

    func chainEvidence(_ chain: Chain) -> ChainEvidence {
        ChainEvidence(namespace: node, backend: DoctorContext.backend(family: chain.family, table: chain.table),
                      family: "\(chain.family)", table: chain.table, chain: chain.name,
                      hook: chain.base.map { $0.hook.name(in: chain.family) }, priority: chain.base?.priority,
                      policy: chain.base.map { "\($0.policy)" })
    }
}
