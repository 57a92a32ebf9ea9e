import Conntrack
import Foundation
import NetCore
import Simulator

/// The simulator's conntrack-first seam over the live tables: one ctnetlink socket per namespace of the
/// model, opened while the model was read (the open socket keeps working whatever thread asks, and keeps
/// the namespace alive).
///
/// `existingFlow` is a kernel get by the exact original tuple (`IPCTNL_MSG_CT_GET`); `otherFlows` a dump
/// filtered by source address, destination address, port and protocol (the kernel filters with
/// `CTA_FILTER` since Linux 5.8; older kernels dump everything and the filter is applied here), streamed
/// and counted past the limit, so a huge table costs time but no memory. Entries in zones other than the
/// default one are not looked up. Answers are cached: every path of a trace sees the same table.
final class LiveFlowLookup: FlowLookup, @unchecked Sendable {
    private let lock = NSLock()
    private let readers: [String: ConntrackReader]
    /// Without `--sport` the packet is a new flow whatever the table holds for the assumed port.
    private let consultsExisting: Bool
    private var existing: [String: ExistingFlow?] = [:]
    private var others: [String: OtherFlows] = [:]
    private var failures: [String] = []

    init(readers: [String: ConntrackReader], consultsExisting: Bool) {
        self.readers = readers
        self.consultsExisting = consultsExisting
    }

    func existingFlow(namespace: String, tuple: FlowTuple) -> ExistingFlow? {
        guard consultsExisting, let reader = readers[namespace], let query = Tuple(tuple) else { return nil }
        return lock.withLock {
            let key = "\(namespace) \(tuple)"
            if let cached = existing[key] { return cached }
            var found: ExistingFlow?
            do {
                // A get finds a tuple of either direction: only an entry whose original tuple it is applies.
                if let flow = try reader.flow(tuple: query), let live = ExistingFlow(flow), live.original == tuple {
                    found = live
                }
            } catch {
                fail(namespace, error)
            }
            existing[key] = found
            return found
        }
    }

    func otherFlows(namespace: String, to tuple: FlowTuple) -> [ExistingFlow] {
        otherFlows(namespace: namespace, to: tuple, limit: .max).flows
    }

    func otherFlows(namespace: String, to tuple: FlowTuple, limit: Int) -> OtherFlows {
        guard let reader = readers[namespace], let filter = ConntrackFilter(sameDestinationAs: tuple) else {
            return OtherFlows()
        }
        return lock.withLock {
            let key = "\(namespace) \(tuple) \(limit)"
            if let cached = others[key] { return cached }
            var result = OtherFlows()
            do {
                let summary = try reader.flows(matching: filter) { flow in
                    guard let live = ExistingFlow(flow), live.original != tuple else { return }
                    if result.flows.count < limit { result.flows.append(live) } else { result.notShown += 1 }
                }
                if summary.inconsistency != nil {
                    failures.append("\(namespace): the conntrack table changed while it was read; the entries listed may be incomplete")
                }
            } catch {
                fail(namespace, error)
            }
            others[key] = result
            return result
        }
    }

    /// Reads that failed, as warnings (the trace then treats the flow as new).
    var warnings: [String] { lock.withLock { failures } }

    private func fail(_ namespace: String, _ error: any Error) {
        let text = "\(namespace): conntrack table not read (\(error)); the flow is treated as new"
        if !failures.contains(text) { failures.append(text) }
    }
}

extension ConntrackFilter {
    /// Entries from the tuple's source address, any port, to its destination address and port.
    init?(sameDestinationAs tuple: FlowTuple) {
        guard let proto = L4Protocol(tuple.proto),
              let source = IPPrefix(address: tuple.source, length: tuple.source.family.bitWidth),
              let destination = IPPrefix(address: tuple.destination, length: tuple.destination.family.bitWidth)
        else { return nil }
        self.init(family: tuple.source.family, l4Protocol: proto,
                  original: TupleFilter(source: source, destination: destination,
                                        destinationPorts: tuple.destinationPort...tuple.destinationPort))
    }
}

extension L4Protocol {
    init?(_ proto: TransportProtocol) {
        switch proto {
        case .tcp: self = .tcp
        case .udp: self = .udp
        case .icmp: return nil
        }
    }
}

extension Tuple {
    /// The conntrack tuple of a simulated TCP or UDP flow.
    init?(_ tuple: FlowTuple) {
        guard let proto = L4Protocol(tuple.proto) else { return nil }
        self.init(source: tuple.source, destination: tuple.destination,
                  l4: .ports(proto, source: tuple.sourcePort, destination: tuple.destinationPort))
    }
}

extension FlowTuple {
    /// The simulator's view of a TCP or UDP conntrack tuple.
    init?(_ tuple: Tuple) {
        guard case .ports(let number, let sourcePort, let destinationPort) = tuple.l4 else { return nil }
        let proto: TransportProtocol
        switch number {
        case .tcp: proto = .tcp
        case .udp: proto = .udp
        default: return nil
        }
        self.init(source: tuple.source, destination: tuple.destination, sourcePort: sourcePort,
                  destinationPort: destinationPort, proto: proto)
    }
}

extension ExistingFlow {
    /// The simulator's view of a live entry; nil for protocols it does not trace.
    init?(_ flow: Flow) {
        guard let original = FlowTuple(flow.original), let reply = FlowTuple(flow.reply) else { return nil }
        self.init(original: original, reply: reply, status: flow.status.rawValue, id: flow.id,
                  protocolState: flow.protocolState?.name, timeout: flow.timeout)
    }
}
