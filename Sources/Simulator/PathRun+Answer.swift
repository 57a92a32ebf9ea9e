import NetCore
import NFTables

extension PathRun {
    /// Builds what travels back from `namespace` (an answer, a reset, an ICMP error, from the packet as it was
    /// there) and sends it as a locally generated packet.
    func sendAnswer(_ kind: AnswerKind, from namespace: String, packet: Packet) -> Leg {
        let fromRule = decisive != nil && verdict == .reject
        let binding = currentBindings[namespace]
        switch kind {
        case .data, .tcpReset:
            let flags = kind == .tcpReset ? TCPFlags.rst | TCPFlags.ack : TCPFlags.syn | TCPFlags.ack
            var back = Packet(family: packet.family, proto: packet.proto, source: packet.destination,
                              destination: packet.source, sourcePort: packet.destinationPort,
                              destinationPort: packet.sourcePort, tcpFlags: packet.proto == .tcp ? flags : 0)
            back.mark = 0
            if kind == .tcpReset, fromRule, let ingress = bridgedIngress, ingress.namespace == namespace {
                // nf_send_reset on a bridged packet: the reset leaves through the arrival port directly,
                // past OUTPUT and POSTROUTING, so it is not un-NATed.
                return resetOutOfBridgePort(namespace, port: ingress.port, back)
            }
            // A rule's reset is attached to the flow as related reply (nf_ct_attach); the stack's own reset
            // and the socket's answer meet conntrack as ordinary reply packets.
            let attach = fromRule ? binding.map { FlowBinding(index: $0.index, isReply: true, isNew: false, isRelated: true) } : nil
            step(namespace, "answer", "sends \(kind.description): \(back.summary)")
            return localOut(namespace, back, attach: attach)
        case .icmpPortUnreachable, .icmpUnreachable:
            guard let model = model(namespace) else { return .finished(Outcome(.unknown, "namespace \(namespace) is not in the model")) }
            let router = Router(model: model)
            let decision = router.lookup(packet.source, source: nil, inputInterface: nil, mark: 0)
            let source = model.owns(packet.destination) ? packet.destination
                : (router.sourceAddress(for: decision, destination: packet.source) ?? packet.destination)
            var back = Packet(family: packet.family, proto: .icmp, source: source, destination: packet.source,
                              sourcePort: 0, destinationPort: 0, tcpFlags: 0)
            back.embedded = packet.tuple
            step(namespace, "answer", "sends \(kind.description) to \(packet.source) about \(packet.summary)")
            let attach = binding.map { FlowBinding(index: $0.index, isReply: true, isNew: false, isRelated: true) }
            return localOut(namespace, back, attach: attach)
        }
    }

    private func resetOutOfBridgePort(_ namespace: String, port: Int32, _ reset: Packet) -> Leg {
        guard let model = model(namespace), let peer = model.peers[port], let peerModel = self.model(peer.namespace),
              let peerName = peerModel.interfaceName(peer.interfaceIndex) else {
            return .finished(Outcome(.unknown, "the reset leaves \(namespace) through a bridge port nfscope cannot follow"))
        }
        step(namespace, "answer", "sends the TCP reset straight out of bridge port \(model.interfaceName(port) ?? "#\(port)") without un-NAT: \(reset.summary)")
        bridgedIngress = nil
        return arrive(peer.namespace, peerName, reset, nexthop: reset.destination)
    }
}
