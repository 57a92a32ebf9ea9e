import Kubernetes
import NetCore
import Simulator

/// `nfscope trace FROM TO`: resolves pods and services on the node, traces the packet, and answers the two
/// questions of the incident: does the node reach the same destination, and where do the paths part
/// ("node works, pod fails"); and, with `also`, where the path to a second destination parts from this one
/// (pod → :80 against pod → :9090).
public struct TargetTracer {
    public var node: NodeContext

    public init(node: NodeContext = NodeContext()) {
        self.node = node
    }

    /// Traces `from` → `to`; when `from` is a pod, also the node → `to`; with `also`, `from` → `also`.
    public func trace(from source: TraceSource, to destination: TraceDestination, also: TraceDestination? = nil,
                      sourcePort: UInt16? = nil) throws -> TargetTraceReport {
        let main = try run(from: source.namespacePath, to: destination, sourcePort: sourcePort)
        var report = TargetTraceReport(report: main, from: .init(source), to: .init(destination))
        if source.isPodNamespace {
            let fromNode = try run(from: node.nodeNamespacePath, to: destination, sourcePort: nil)
            report.nodeComparison = .init(compared: "node", with: fromNode, against: main)
        }
        if let also {
            let second = try run(from: source.namespacePath, to: also, sourcePort: nil)
            var comparison = TargetTraceReport.Comparison(compared: also.label, with: second, against: main)
            comparison.to = .init(also)
            report.also = comparison
        }
        return report
    }

    private func run(from namespacePath: String, to destination: TraceDestination, sourcePort: UInt16?) throws -> TraceReport {
        let proto: Simulator.TransportProtocol = switch destination.proto {
        case .udp: .udp
        case .tcp, .sctp: .tcp
        }
        return try Tracer().trace(from: namespacePath, proto: proto, source: nil, sourcePort: sourcePort,
                                  destination: destination.address, destinationPort: destination.port)
    }
}
