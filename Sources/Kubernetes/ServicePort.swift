import NetCore

/// A service port found in kube-proxy's rules: what `svc:NAMESPACE/NAME[:PORT]` resolves to.
public struct ServicePort: Hashable, Sendable, CustomStringConvertible {
    /// How the service address is reached.
    public enum AddressKind: String, Hashable, Sendable {
        case clusterIP = "cluster IP"
        case externalIP = "external IP"
        case loadBalancerIP = "loadbalancer IP"
    }

    public var namespace: String
    public var name: String
    /// The service port's name (`http`); `nil` for a service with one unnamed port.
    public var portName: String?
    /// The address kube-proxy captures (the ClusterIP for `.clusterIP`).
    public var address: IPAddress
    public var port: UInt16
    public var proto: TransportProtocol
    public var addressKind: AddressKind
    /// `false` when kube-proxy rejects the service for lack of endpoints.
    public var hasEndpoints: Bool
    /// The chain that load-balances the service (`KUBE-SVC-…`, `service-…-ns/name/tcp/http`); `nil` when it has
    /// no endpoints.
    public var chain: String?

    public init(namespace: String, name: String, portName: String?, address: IPAddress, port: UInt16,
                proto: TransportProtocol, addressKind: AddressKind = .clusterIP, hasEndpoints: Bool, chain: String?) {
        self.namespace = namespace
        self.name = name
        self.portName = portName
        self.address = address
        self.port = port
        self.proto = proto
        self.addressKind = addressKind
        self.hasEndpoints = hasEndpoints
        self.chain = chain
    }

    /// kube-proxy's service port name: `ns/name:port`, or `ns/name` for an unnamed port.
    public var reference: String { "\(namespace)/\(name)" + (portName.map { ":\($0)" } ?? "") }

    /// `http=80/tcp`, or `80/tcp` for an unnamed port, as error messages list a service's ports.
    public var portLabel: String { (portName.map { "\($0)=" } ?? "") + "\(port)/\(proto.rawValue)" }

    /// The ports' labels by port number then protocol (map elements come in the kernel's hash order).
    public static func labels(_ ports: [ServicePort]) -> [String] {
        ports.sorted { ($0.port, $0.proto.rawValue) < ($1.port, $1.proto.rawValue) }.map(\.portLabel)
    }

    public var description: String {
        let host = address.family == .ipv6 ? "[\(address)]" : "\(address)"
        return "svc:\(reference) \(host):\(port)/\(proto.rawValue)" + (hasEndpoints ? "" : " (no endpoints)")
    }
}
