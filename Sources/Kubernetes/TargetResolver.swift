import NetCore
import NetNS

/// A target made concrete for a trace: the namespace a packet starts in, and/or the address and port it goes
/// to. Which fields are set depends on the kind: a pod has both (its namespace and its IP), a service has
/// an address and port(s), `node`/`netns:`/`pid:` have a namespace, `IP:PORT` has an address and port.
public struct ResolvedTarget: Hashable, Sendable {
    public var target: Target
    /// A path that opens the namespace (`/proc/self/ns/net` for `node`).
    public var netnsPath: String?
    public var address: IPAddress?
    public var port: UInt16?
    /// For services: the protocol of the resolved port (`nil` when several ports or protocols match).
    public var proto: TransportProtocol?
    /// For pods: everything the runtime told us.
    public var pod: ResolvedPod?
    /// For services: every matching service port (one per protocol, or all ports when none was given).
    public var servicePorts: [ServicePort]

    public init(target: Target, netnsPath: String? = nil, address: IPAddress? = nil, port: UInt16? = nil,
                proto: TransportProtocol? = nil, pod: ResolvedPod? = nil, servicePorts: [ServicePort] = []) {
        self.target = target
        self.netnsPath = netnsPath
        self.address = address
        self.port = port
        self.proto = proto
        self.pod = pod
        self.servicePorts = servicePorts
    }
}

/// Resolves any ``Target`` on this node: pods through ``PodResolver``, services through ``ServiceResolver``
/// over the node's kube-proxy rules, the rest by naming their namespace file.
public struct TargetResolver<Source: ServiceRuleSource> {
    public var pods: PodResolver
    public var services: ServiceResolver<Source>

    public init(pods: PodResolver = PodResolver(), serviceRules: Source) {
        self.pods = pods
        self.services = ServiceResolver(source: serviceRules)
    }

    /// Resolves `target`; for a pod, also reads its address from its namespace (`readPodAddress`).
    public func resolve(_ target: Target, readPodAddress: Bool = true) throws -> ResolvedTarget {
        switch target {
        case .pod(let namespace, let name):
            var pod = try pods.resolve(namespace: namespace, name: name)
            if readPodAddress { pod = try pod.readingAddress() }
            return ResolvedTarget(target: target, netnsPath: pod.netnsPath, address: pod.ip, pod: pod)
        case .service(let namespace, let name, let selector):
            let ports = try services.resolve(namespace: namespace, name: name, port: selector)
            let single = ports.count == 1 ? ports.first : nil
            return ResolvedTarget(target: target, address: ports.first?.address,
                                  port: Set(ports.map(\.port)).count == 1 ? ports.first?.port : nil,
                                  proto: single?.proto, servicePorts: ports)
        case .node:
            return ResolvedTarget(target: target, netnsPath: "/proc/self/ns/net")
        case .address(let address, let port):
            return ResolvedTarget(target: target, address: address, port: port)
        case .netns(let spec):
            let path = spec.contains("/") ? spec : "\(NamespaceHandle.namedNamespaceDirectory)/\(spec)"
            return ResolvedTarget(target: target, netnsPath: path)
        case .pid(let pid):
            return ResolvedTarget(target: target, netnsPath: "/proc/\(pid)/ns/net")
        }
    }
}
