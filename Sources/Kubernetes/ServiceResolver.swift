import NetCore

/// Resolves `svc:NAMESPACE/NAME[:PORT]` from kube-proxy's own rules on this node, without an API server.
public struct ServiceResolver<Source: ServiceRuleSource> {
    public var source: Source

    public init(source: Source) { self.source = source }

    /// Every service port kube-proxy captures, one per (address, protocol, port), in the rules' order.
    public func servicePorts() throws -> [ServicePort] {
        var seen = Set<ServiceKey>()
        var ports: [ServicePort] = []
        try source.forEachServiceRule { rule in
            guard let port = rule.servicePort else { return }
            let key = ServiceKey(address: port.address, proto: port.proto, port: port.port)
            if seen.insert(key).inserted { ports.append(port) }
        }
        return ports
    }

    /// The ClusterIP ports of one service; all of them when `port` is `nil`, else the one with that number or
    /// name (one per protocol). Throws ``KubernetesError`` `.serviceNotFound` (with close service names) or
    /// `.servicePortNotFound` (with the ports it has).
    public func resolve(namespace: String, name: String, port: ServicePortSelector?) throws -> [ServicePort] {
        let reference = "\(namespace)/\(name)"
        let target = "svc:\(reference)" + (port.map { ":\($0)" } ?? "")
        let all = try servicePorts().filter { $0.addressKind == .clusterIP }
        let service = all.filter { $0.namespace == namespace && $0.name == name }
        guard !service.isEmpty else {
            let known = all.map { "\($0.namespace)/\($0.name)" }
            throw KubernetesError(kind: .serviceNotFound, target: target,
                                  suggestions: NameSuggestions.closest(to: reference, among: known).map { "svc:\($0)" })
        }
        guard let port else { return service }
        let matching = service.filter { candidate in
            switch port {
            case .number(let number): return candidate.port == number
            case .name(let portName): return candidate.portName == portName
            }
        }
        guard !matching.isEmpty else {
            let available = ServicePort.labels(service)
            throw KubernetesError(kind: .servicePortNotFound(available: available), target: target)
        }
        return matching
    }

    private struct ServiceKey: Hashable {
        var address: NetCore.IPAddress
        var proto: TransportProtocol
        var port: UInt16
    }
}
