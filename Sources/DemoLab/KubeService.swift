import NetCore

/// A Kubernetes Service as kube-proxy sees it: its ClusterIP, its ports and the ready endpoints behind them.
public struct KubeService: Hashable, Sendable {
    /// One `spec.ports[]` entry.
    public struct Port: Hashable, Sendable {
        /// The port's name; `nil` for a single unnamed port.
        public var name: String?
        public var port: UInt16
        /// `tcp`, `udp` or `sctp`, lowercase as kube-proxy writes it.
        public var proto: String
        public var targetPort: UInt16
        public var nodePort: UInt16?

        public init(name: String?, port: UInt16, proto: String = "tcp", targetPort: UInt16, nodePort: UInt16? = nil) {
            self.name = name
            self.port = port
            self.proto = proto
            self.targetPort = targetPort
            self.nodePort = nodePort
        }
    }

    public var namespace: String
    public var name: String
    public var clusterIP: IPAddress
    public var ports: [Port]
    /// Ready endpoint addresses (pod IPs); empty means kube-proxy rejects the service.
    public var endpoints: [IPAddress]

    public init(namespace: String, name: String, clusterIP: IPAddress, ports: [Port], endpoints: [IPAddress]) {
        self.namespace = namespace
        self.name = name
        self.clusterIP = clusterIP
        self.ports = ports
        self.endpoints = endpoints
    }

    /// kube-proxy's `ServicePortName.String()`: `ns/name:port`, or `ns/name` for an unnamed port.
    public func portName(_ port: Port) -> String {
        "\(namespace)/\(name)" + (port.name.map { ":\($0)" } ?? "")
    }
}
