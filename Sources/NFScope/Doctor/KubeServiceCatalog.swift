import Kubernetes
import NetCore
import NFTables
import Render

/// kube-proxy's services on the node, read from its own rules in the node's ruleset snapshot: each
/// service port with its current endpoints, and where a no-endpoint service is rejected.
///
/// Unlike ``LiveServiceRuleSource`` (which streams only the service-capturing rules from the kernel, for
/// `svc:` targets), this works on the snapshot doctor already holds and also follows each service to its
/// endpoints, which the stale-conntrack and no-endpoint checks need. iptables mode reads the
/// `KUBE-SERVICES` chains of `nat` (`-d IP -p PROTO --dport PORT -m comment "ns/name:port cluster IP" -j
/// KUBE-SVC-…`) and `filter` (`… has no endpoints … -j REJECT`), and each `KUBE-SVC-*` → `KUBE-SEP-*` →
/// `DNAT --to-destination`; nftables mode reads the `service-ips` and `no-endpoint-services` maps of
/// `table ip kube-proxy` and the endpoint chain names (`endpoint-HASH-ns/name/proto/port__IP/PORT`).
struct KubeServiceCatalog {
    struct Key: Hashable {
        var address: IPAddress
        var proto: String
        var port: UInt16
    }

    struct Service {
        var reference: String
        var address: IPAddress
        var proto: String
        var port: UInt16
        var hasEndpoints: Bool
        /// Current endpoint addresses (DNAT targets).
        var endpoints: [IPAddress]
        /// The rule or map element that rejects it, for a service without endpoints.
        var rejectEvidence: Evidence?

        var key: Key { Key(address: address, proto: proto, port: port) }
        var label: String { "\(reference) \(address):\(port)/\(proto)" }
    }

    enum Mode: String { case iptables, nftables, none }

    var mode: Mode = .none
    var services: [Service] = []
    /// The keys already in `services`: a node has thousands of service ports, so no linear lookups.
    private var seen: Set<Key> = []

    init(graph: RuleGraph, namespace: String) {
        if graph.snapshot.structure.tables.contains(where: { $0.name == "kube-proxy" && ($0.family == .ip || $0.family == .ip6) }) {
            mode = .nftables
            readNFTables(graph, namespace: namespace)
        }
        if services.isEmpty, !graph.rules(.ip, "nat", "KUBE-SERVICES").isEmpty || !graph.rules(.ip6, "nat", "KUBE-SERVICES").isEmpty
            || !graph.rules(.ip, "filter", "KUBE-SERVICES").isEmpty {
            mode = .iptables
            readIptables(graph, namespace: namespace)
        }
    }

    // MARK: iptables mode

    private mutating func readIptables(_ graph: RuleGraph, namespace: String) {
        for family in [NFTFamily.ip, .ip6] {
            let decoder = IptablesDecoder(family: family)
            for table in ["nat", "filter"] {
                for rule in graph.rules(family, table, "KUBE-SERVICES") {
                    // The same reading of a KUBE-SERVICES rule as `svc:` resolution uses.
                    guard case .rule(let decoded) = decoder.decode(rule),
                          let serviceRule = ServiceRule(iptablesArguments: decoded.arguments) else { continue }
                    guard let servicePort = serviceRule.servicePort, servicePort.addressKind == .clusterIP else { continue }
                    var service = Service(reference: servicePort.reference, address: serviceRule.destination,
                                          proto: serviceRule.proto.rawValue, port: serviceRule.port,
                                          hasEndpoints: servicePort.hasEndpoints, endpoints: [])
                    if let chain = servicePort.chain { service.endpoints = iptablesEndpoints(graph, family, chain, decoder) }
                    if !service.hasEndpoints {
                        service.rejectEvidence = .rule(RuleEvidence(namespace: namespace, backend: "iptables-nft", family: "\(family)",
                                                                    table: table, chain: "KUBE-SERVICES", handle: rule.handle,
                                                                    text: (["-A", "KUBE-SERVICES"] + decoded.arguments).joined(separator: " ")))
                    }
                    add(service)
                }
            }
        }
    }

    private func iptablesEndpoints(_ graph: RuleGraph, _ family: NFTFamily, _ chain: String, _ decoder: IptablesDecoder) -> [IPAddress] {
        var endpoints: [IPAddress] = []
        for rule in graph.reachable(from: family, "nat", chain) {
            guard RuleShape(rule).dnat, case .rule(let decoded) = decoder.decode(rule),
                  let to = IptablesArguments(decoded.arguments).value("--to-destination"),
                  let address = IptablesArguments.hostOfEndpoint(to), !endpoints.contains(address) else { continue }
            endpoints.append(address)
        }
        return endpoints
    }

    // MARK: nftables mode

    private mutating func readNFTables(_ graph: RuleGraph, namespace: String) {
        let structure = graph.snapshot.structure
        for family in [NFTFamily.ip, .ip6] {
            let endpointChains = structure.chains.filter { $0.family == family && $0.table == "kube-proxy" && $0.name.hasPrefix("endpoint-") }
            for (setName, noEndpoints) in [("service-ips", false), ("no-endpoint-services", true)] {
                guard let set = structure.set(named: setName, family: family, table: "kube-proxy") else { continue }
                for element in set.elements {
                    // The same reading of a map element as `svc:` resolution uses; only goto/jump elements name a service chain.
                    guard case .verdict(let verdict)? = element.data, verdict.chain != nil,
                          let serviceRule = ServiceRule(mapElement: element, of: set) else { continue }
                    guard let servicePort = serviceRule.servicePort, servicePort.addressKind == .clusterIP else { continue }
                    let proto = serviceRule.proto.rawValue
                    var service = Service(reference: servicePort.reference, address: serviceRule.destination, proto: proto,
                                          port: serviceRule.port,
                                          hasEndpoints: !noEndpoints && servicePort.hasEndpoints, endpoints: [])
                    if let chain = servicePort.chain, let base = KubeServiceCatalog.nftBase(of: chain) {
                        service.endpoints = endpointChains.compactMap { KubeServiceCatalog.nftEndpoint($0.name, base: base) }
                    }
                    if !service.hasEndpoints {
                        service.rejectEvidence = .setElement(SetElementEvidence(
                            namespace: namespace, family: "\(family)", table: "kube-proxy", set: setName,
                            key: "\(serviceRule.destination) . \(proto) . \(serviceRule.port)", value: "\(verdict)", comment: element.comment))
                    }
                    add(service)
                }
            }
        }
    }

    /// `service-HASH-ns/name/proto/port` → `ns/name/proto/port`.
    static func nftBase(of chain: String) -> Substring? {
        let parts = chain.split(separator: "-", maxSplits: 2)
        return parts.count == 3 ? parts[2] : nil
    }

    /// `endpoint-HASH-<base>__IP/PORT` → IP, when the chain belongs to `base`.
    static func nftEndpoint(_ chain: String, base: Substring) -> IPAddress? {
        let parts = chain.split(separator: "-", maxSplits: 2)
        guard parts.count == 3, parts[2].hasPrefix(base + "__") else { return nil }
        let rest = parts[2].dropFirst(base.count + 2)
        guard let slash = rest.lastIndex(of: "/") else { return nil }
        return IPAddress(String(rest[..<slash]))
    }

    private mutating func add(_ service: Service) {
        if seen.insert(service.key).inserted { services.append(service) }
    }
}

/// Arguments of a decoded iptables rule (`["-d", "10.43.0.10/32", "-p", "tcp", …]`), as our decoder printed them.
struct IptablesArguments {
    let arguments: [String]
    init(_ arguments: [String]) { self.arguments = arguments }

    /// The value after the first `flag`, unless the flag is negated (`! -s …`).
    func value(_ flag: String) -> String? {
        guard let index = arguments.firstIndex(of: flag), index + 1 < arguments.count else { return nil }
        if index > 0, arguments[index - 1] == "!" { return nil }
        return arguments[index + 1]
    }

    /// `10.42.0.2:80`, `[fd00::2]:80` or `10.42.0.2` → the address.
    static func hostOfEndpoint(_ text: String) -> IPAddress? {
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            return IPAddress(String(text[text.index(after: text.startIndex)..<close]))
        }
        if let direct = IPAddress(text) { return direct }
        guard let colon = text.lastIndex(of: ":") else { return nil }
        return IPAddress(String(text[..<colon]))
    }
}
