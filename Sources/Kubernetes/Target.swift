import NetCore

/// Where a packet starts or where it goes, as an operator names it on a node: a pod, a service, the node
/// itself, an address, a network namespace or a process.
///
/// Parse one with ``Target/init(parsing:)``; resolve pods with ``PodResolver`` and services with
/// ``ServiceResolver``. None of this needs an API server: everything comes from the node's own state.
public enum Target: Hashable, Sendable, CustomStringConvertible {
    /// `pod:NAMESPACE/NAME`: the pod's sandbox network namespace and its address.
    case pod(namespace: String, name: String)
    /// `svc:NAMESPACE/NAME[:PORT]`: a service's ClusterIP and port; `PORT` is a number or a port name.
    case service(namespace: String, name: String, port: ServicePortSelector?)
    /// `node`: the namespace nfscope runs in (the host's).
    case node
    /// `IP:PORT` (`10.43.0.10:80`, `[fd00::1]:80`).
    case address(IPAddress, port: UInt16)
    /// `netns:NAME` (under `/run/netns`) or `netns:PATH` (contains a `/`).
    case netns(String)
    /// `pid:PID`: the network namespace of a process.
    case pid(Int32)

    /// The text form, which ``init(parsing:)`` reads back.
    public var description: String {
        switch self {
        case .pod(let namespace, let name): return "pod:\(namespace)/\(name)"
        case .service(let namespace, let name, let port):
            return "svc:\(namespace)/\(name)" + (port.map { ":\($0)" } ?? "")
        case .node: return "node"
        case .address(let address, let port):
            return address.family == .ipv6 ? "[\(address)]:\(port)" : "\(address):\(port)"
        case .netns(let spec): return "netns:\(spec)"
        case .pid(let pid): return "pid:\(pid)"
        }
    }
}

/// The port part of `svc:NAMESPACE/NAME:PORT`: kube-proxy's rules name a service port by its name
/// (`ns/web:http`) and match it by number (`--dport 80`), so the user may give either.
public enum ServicePortSelector: Hashable, Sendable, CustomStringConvertible {
    /// The service port number (`spec.ports[].port`), not the target port.
    case number(UInt16)
    /// The service port name (`spec.ports[].name`).
    case name(String)

    public var description: String {
        switch self {
        case .number(let port): return String(port)
        case .name(let name): return name
        }
    }
}
