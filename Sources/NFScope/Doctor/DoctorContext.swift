import Conntrack
import Foundation
import Kubernetes
import NetCore
import NetNS
import NFTables
import Route
import Simulator

/// What doctor read from the kernel once: the node and its pods as a simulator model with whole rulesets,
/// a rule graph per namespace, kube-proxy's services, and a conntrack reader in the node.
struct DoctorContext {
    let spec: String
    let model: NetworkModel
    /// The node namespace's model name.
    let node: String
    /// Pod namespaces' model names, sorted.
    let pods: [String]
    let podsExamined: [PodExamined]
    let graphs: [String: RuleGraph]
    let services: KubeServiceCatalog
    let conntrack: ConntrackReader?
    let interval: Double
    var notes: [String] = []

    static func read(node spec: String, interval: Double, runtimeBundleDirectories: [String]?) throws -> DoctorContext {
        // Permission first: the model reader skips namespaces it cannot open and would say "does not exist".
        let handle = try NamespaceHandle(spec: spec)
        _ = try RulesetReader(connection: try handle.connection(.netfilter)).generation()
        let (model, start, _, readers) = try NetworkModelReader(lazyRules: false).readLive(from: spec)
        guard let nodeModel = model.namespaces[start] else { throw NamespaceError(kind: .notFound, target: spec) }
        let pods = Set(nodeModel.peers.values.map(\.namespace)).subtracting([start]).sorted()
        var graphs: [String: RuleGraph] = [:]
        for (name, namespace) in model.namespaces { graphs[name] = RuleGraph(namespace.ruleset) }
        let nodeGraph = graphs[start] ?? RuleGraph(nodeModel.ruleset)
        let resolver = runtimeBundleDirectories.map { PodResolver(runtimeRoots: $0.map { RuntimeRoot(label: "bundles", path: $0) }) }
            ?? PodResolver()
        let names = podNames(resolver)
        let examined = pods.map { name -> PodExamined in
            let routes = model.namespaces[name]?.routes
            let loopbacks = Set(routes?.links.filter { $0.flags.contains(.loopback) }.map(\.index) ?? [])
            let addresses = routes?.addresses.filter { !loopbacks.contains($0.interfaceIndex) && $0.scope == .universe }
                .map { "\($0.local)" } ?? []
            return PodExamined(pod: names[name], netns: name, addresses: addresses)
        }
        var context = DoctorContext(spec: spec, model: model, node: start, pods: pods, podsExamined: examined, graphs: graphs,
                                    services: KubeServiceCatalog(graph: nodeGraph, namespace: start),
                                    conntrack: readers[start], interval: interval)
        if context.services.mode == .none {
            context.notes.append("no kube-proxy rules in \(start) (is it the node's namespace? kube-proxy in IPVS or eBPF mode is "
                + "not read); service checks had nothing to look at")
        } else {
            context.notes.append("kube-proxy in \(context.services.mode.rawValue) mode: "
                + "\(context.services.services.count) ClusterIP service ports")
        }
        for name in [start] + pods {
            for spot in model.namespaces[name]?.blindSpots ?? [] { context.notes.append("\(name): \(spot)") }
        }
        return context
    }

    /// Model name → `NAMESPACE/NAME` of the pod whose sandbox bundle names that network namespace.
    static func podNames(_ resolver: PodResolver) -> [String: String] {
        var byIdentity: [NamespaceID: String] = [:]
        for (_, bundle) in resolver.bundles() where bundle.isSandbox {
            guard let path = bundle.networkNamespacePath, let namespace = bundle.podNamespace, let name = bundle.podName,
                  let id = NamespaceHandle.identity(ofPath: path, label: path) else { continue }
            byIdentity[id] = "\(namespace)/\(name)"
        }
        guard !byIdentity.isEmpty else { return [:] }
        var result: [String: String] = [:]
        for entry in NamespaceInventory.scan().entries {
            if let pod = byIdentity[entry.id] { result[entry.label] = pod }
        }
        return result
    }

    var nodeModel: NamespaceModel? { model.namespaces[node] }

    /// Finds the rule a simulator reference points at.
    func rule(_ reference: RuleReference) -> Rule? {
        guard let handle = reference.handle else { return nil }
        return graphs[reference.namespace]?.rules(reference.family, reference.table, reference.chain).first { $0.handle == handle }
    }

    /// Evidence for a rule of a namespace.
    func evidence(_ rule: Rule, in namespace: String) -> RuleEvidence {
        let structure = model.namespaces[namespace]?.ruleset.structure ?? RulesetStructure()
        return RuleEvidence(namespace: namespace, backend: DoctorContext.backend(family: rule.family, table: rule.table),
                            family: "\(rule.family)", table: rule.table, chain: rule.chain, handle: rule.handle,
                            text: Tracer.render(rule, structure))
    }

    static func backend(family: NFTFamily, table: String) -> String {
        family.holdsIptablesTable(table) ? "iptables-nft" : "nftables"
    }

    /// Whether a chain is kube-proxy's (iptables mode `KUBE-*` chains it owns, or `table ip kube-proxy`).
    static func isKubeProxy(table: String, chain: String) -> Bool {
        if table == "kube-proxy" { return true }
        let exact: Set<String> = ["KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-MARK-MASQ", "KUBE-MARK-DROP", "KUBE-POSTROUTING",
                                  "KUBE-FORWARD", "KUBE-PROXY-FIREWALL", "KUBE-EXTERNAL-SERVICES", "KUBE-PROXY-CANARY",
                                  "KUBE-FIREWALL", "KUBE-KUBELET-CANARY", "KUBE-LOAD-BALANCER"]
        if exact.contains(chain) { return true }
        return ["KUBE-SVC-", "KUBE-SEP-", "KUBE-EXT-", "KUBE-FW-", "KUBE-SVL-", "KUBE-XLB-"].contains { chain.hasPrefix($0) }
    }
}
