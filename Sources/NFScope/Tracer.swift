import NetCore
import NFTables
import Render
import Simulator

/// `nfscope trace`: reads the network around a namespace from the kernel and simulates a new packet from it.
public struct Tracer {
    public init() {}

    /// Reads the model from `namespaceSpec` (a name, path or pid) and simulates the request's packet.
    public func trace(from namespaceSpec: String, proto: TransportProtocol, source: IPAddress?, sourcePort: UInt16?,
                      destination: IPAddress, destinationPort: UInt16) throws -> TraceReport {
        // Rules are read lazily while simulating; if any ruleset changed meanwhile, read and simulate again.
        for _ in 0..<3 {
            let (model, start, sources, conntrack) = try NetworkModelReader().readLive(from: namespaceSpec)
            let request = TraceRequest(namespace: start, proto: proto, source: source, sourcePort: sourcePort,
                                       destination: destination, destinationPort: destinationPort)
            // Conntrack first: with --sport the exact tuple's live entry decides; without it the flow is new.
            let flows = LiveFlowLookup(readers: conntrack, consultsExisting: sourcePort != nil)
            let simulator = PathSimulator(network: model, flowLookup: flows, render: Tracer.render)
            var result = try simulator.trace(request)
            result.warnings += flows.warnings
            if try sources.allSatisfy({ try $0.verify() }) {
                return TraceReport(result, sourcePortGiven: sourcePort != nil)
            }
        }
        throw NetlinkError(operation: .dump("nftables ruleset"), errno: .resourceTemporarilyUnavailable,
                           kernelMessage: "the ruleset kept changing while the trace read it", namespace: nil)
    }

    /// A rule in iptables syntax when iptables-nft wrote it (and it has an iptables form), else in nft syntax.
    public static let render: RuleRenderer = { rule, structure in
        if rule.family.holdsIptablesTable(rule.table),
           case .rule(let iptables) = IptablesDecoder(family: rule.family).decode(rule) {
            return (["-A", rule.chain] + iptables.arguments).joined(separator: " ")
        }
        return NFTRenderer(structure: structure).render(rule).text
    }
}
