import Kubernetes
import NetCore
import NetNS

/// What `nfscope trace FROM TO` needs to know about the node: which namespace is "the node" (for `node`,
/// for reading kube-proxy's rules, and for the node comparison) and where the container runtime keeps its
/// task bundles.
public struct NodeContext: Sendable {
    /// A path that opens the node's namespace; nfscope's own (`/proc/self/ns/net`) by default.
    public var nodeNamespacePath: String
    /// Where pods are looked up; containerd's and K3s's default roots unless overridden.
    public var runtimeRoots: [RuntimeRoot]

    public init(nodeNamespacePath: String = "/proc/self/ns/net", runtimeRoots: [RuntimeRoot] = [.containerd, .k3s]) {
        self.nodeNamespacePath = nodeNamespacePath
        self.runtimeRoots = runtimeRoots
    }

    /// `NAME` (under /run/netns) or a path (contains `/`), as `--node-netns` takes it.
    public static func namespacePath(_ spec: String) -> String {
        spec.contains("/") ? spec : "\(NamespaceHandle.namedNamespaceDirectory)/\(spec)"
    }

    var resolver: TargetResolver<LiveServiceRuleSource> {
        TargetResolver(pods: PodResolver(runtimeRoots: runtimeRoots),
                       serviceRules: LiveServiceRuleSource(namespacePath: nodeNamespacePath, label: "node"))
    }
}

/// A trace source made concrete: the namespace the packet starts in.
public struct TraceSource: Sendable {
    public var target: Target
    public var namespacePath: String
    /// The pod's address, for a pod.
    public var address: IPAddress?
    public var pod: ResolvedPod?

    /// Whether the node comparison applies: a pod in a namespace of its own.
    public var isPodNamespace: Bool { pod.map { !$0.hostNetwork } ?? false }
}

/// A trace destination made concrete: one address, port and protocol.
public struct TraceDestination: Sendable {
    public var target: Target
    public var address: IPAddress
    public var port: UInt16
    public var proto: Kubernetes.TransportProtocol
    /// The service port it resolved to, for `svc:`.
    public var servicePort: ServicePort?
    public var pod: ResolvedPod?

    /// `svc:demo/web:80`, `pod:demo/web-1:80`, `10.43.0.10:80`: the destination as typed, with its port.
    public var label: String {
        if case .pod = target { return "\(target):\(port)" }
        return "\(target)"
    }
}

extension NodeContext {
    /// Resolves a trace source; services and addresses are refused (a packet cannot start there).
    public func source(_ target: Target) throws -> TraceSource {
        guard target.canBeSource else {
            throw KubernetesError(kind: .invalidTarget(reason: "a trace starts at pod:, node, netns: or pid:"),
                                  target: "\(target)")
        }
        if case .node = target { return TraceSource(target: target, namespacePath: nodeNamespacePath) }
        let resolved = try resolver.resolve(target)
        guard let path = resolved.netnsPath else {
            throw KubernetesError(kind: .invalidTarget(reason: "it names no network namespace"), target: "\(target)")
        }
        return TraceSource(target: target, namespacePath: path, address: resolved.address, pod: resolved.pod)
    }

    /// Resolves a trace destination to one address and port. A service with several ports (or one port over
    /// several protocols) and no port given is an error that lists them: a trace follows one packet.
    /// - Parameters:
    ///   - port: the port of `pod:NS/NAME:PORT`.
    ///   - proto: `--proto`, when given: it picks among a service's protocols and must match.
    public func destination(_ target: Target, port: UInt16?, proto: Kubernetes.TransportProtocol?) throws -> TraceDestination {
        switch target {
        case .address(let address, let port):
            return TraceDestination(target: target, address: address, port: port, proto: proto ?? .tcp)
        case .pod:
            guard let port else {
                throw KubernetesError(kind: .invalidTarget(reason: "a pod destination needs a port (pod:NAMESPACE/NAME:PORT)"),
                                      target: "\(target)")
            }
            let resolved = try resolver.resolve(target)
            guard let address = resolved.address else {
                throw KubernetesError(kind: .podNamespaceMissing(reason: "its eth0 has no global address"), target: "\(target)")
            }
            return TraceDestination(target: target, address: address, port: port, proto: proto ?? .tcp, pod: resolved.pod)
        case .service:
            var ports = try resolver.resolve(target).servicePorts
            if let proto {
                let matching = ports.filter { $0.proto == proto }
                guard !matching.isEmpty else {
                    throw KubernetesError(kind: .servicePortNotFound(available: ServicePort.labels(ports)), target: "\(target)")
                }
                ports = matching
            }
            guard ports.count == 1, let only = ports.first else {
                throw KubernetesError(kind: .servicePortAmbiguous(available: ServicePort.labels(ports)), target: "\(target)")
            }
            return TraceDestination(target: target, address: only.address, port: only.port, proto: only.proto, servicePort: only)
        case .node, .netns, .pid:
            throw KubernetesError(kind: .invalidTarget(reason: "a trace goes to svc:, pod:NAMESPACE/NAME:PORT or IP:PORT"),
                                  target: "\(target)")
        }
    }
}
