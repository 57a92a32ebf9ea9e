import NetCore
import NFTables

extension PathRun {
    /// Conntrack in one namespace (`nf_conntrack_in`): finds the flow the packet belongs to (original or
    /// reply direction, or the flow an ICMP error embeds), asks the live table for a new flow, or creates
    /// an entry; then sets the packet's conntrack view.
    func track(_ namespace: String, _ packet: inout Packet, attach: FlowBinding? = nil) {
        let binding = attach ?? bind(namespace, packet)
        guard let flow = flows[namespace]?[binding.index] else { return }
        var state: ConntrackState = binding.isRelated ? .related : (binding.isNew ? .new : .established)
        if !binding.isNew && !binding.isRelated && !binding.isReply && !flow.seenReply { state = .new }
        if binding.isNew && binding.isReply {
            state = .invalid  // e.g. a SYN-ACK or reset with no entry: conntrack calls it invalid
        }
        packet.conntrack = ConntrackView(state: state, status: flow.status, mark: packet.conntrack.mark,
                                         isReply: binding.isReply, original: flow.original, reply: flow.reply)
        currentBindings[namespace] = binding
    }

    private func bind(_ namespace: String, _ packet: Packet) -> FlowBinding {
        var list = flows[namespace, default: []]
        defer { flows[namespace] = list }
        if let inner = packet.embedded, let index = list.firstIndex(where: { $0.embeds(inner) }) {
            let isReply = inner.source == list[index].original.source || inner.source == list[index].mangled.source
            return FlowBinding(index: index, isReply: isReply, isNew: false, isRelated: true)
        }
        let tuple = packet.tuple
        if let index = list.firstIndex(where: { $0.original == tuple }) {
            return FlowBinding(index: index, isReply: false, isNew: !list[index].seenReply, isRelated: false)
        }
        if let index = list.firstIndex(where: { $0.reply == tuple }) {
            list[index].seenReply = true
            return FlowBinding(index: index, isReply: true, isNew: false, isRelated: false)
        }
        if let live = simulator.flowLookup.existingFlow(namespace: namespace, tuple: tuple), live.original == tuple {
            if !live.reopenedBy(packet) { return adopt(live, namespace, into: &list) }
            trail.warn("\(namespace): \(live.label) is closing; a new SYN replaces it (nf_conntrack_tcp reopens the "
                + "connection) and the nat rules decide")
        }
        if answer == nil {
            noteOtherFlows(namespace, tuple)
        }
        list.append(TrackedFlow(original: tuple))
        // A TCP packet that does not open a connection (a reset, a SYN-ACK) creates no valid entry.
        let opens = packet.proto != .tcp || packet.tcpFlags & TCPFlags.syn != 0 && packet.tcpFlags & TCPFlags.ack == 0
        return FlowBinding(index: list.count - 1, isReply: !opens, isNew: true, isRelated: false)
    }

    /// A live entry for the exact tuple: its mapping and state replace the nat rules (`nf_conntrack_in`
    /// finds it before any nat chain could run), both manipulations settled as the kernel has them.
    private func adopt(_ live: ExistingFlow, _ namespace: String, into list: inout [TrackedFlow]) -> FlowBinding {
        var flow = TrackedFlow(original: live.original)
        flow.mangled = live.reply.inverted
        flow.destinationNATDone = true
        flow.sourceNATDone = true
        flow.seenReply = live.status & ConntrackView.statusSeenReply != 0
        flow.status = live.status
        flow.fromLiveTable = true
        list.append(flow)
        let decides = live.rewritesDestination ? "decides the destination" : "decides the NAT (none) and state"
        step(namespace, "conntrack", "\(live.label) \(decides); nat rules are not consulted")
        trail.conntrack.used.append(ConntrackFindings.Entry(namespace: namespace, flow: live))
        return FlowBinding(index: list.count - 1, isReply: false, isNew: !flow.seenReply, isRelated: false)
    }

    /// A new flow: entries from the same source's other ports to the same destination are warnings (a
    /// stale UDP entry keeps its own flow going elsewhere while this one follows the rules).
    private func noteOtherFlows(_ namespace: String, _ tuple: FlowTuple) {
        let others = simulator.flowLookup.otherFlows(namespace: namespace, to: tuple, limit: simulator.maxOtherFlows)
        for other in others.flows where other.original != tuple {
            trail.warn("\(namespace): \(other.label) exists for \(other.original); this trace is a new flow from port "
                + "\(tuple.sourcePort) and follows the nat rules, that source port keeps its entry's mapping")
            trail.conntrack.others.append(ConntrackFindings.Entry(namespace: namespace, flow: other))
        }
        if others.notShown > 0 {
            trail.warn("\(namespace): \(others.notShown) more conntrack entries to the same destination not listed")
            trail.conntrack.othersNotShown[namespace, default: 0] += others.notShown
        }
    }

    /// The NAT core at its hook (`nf_nat_inet_fn`): for a new flow whose mapping for this manipulation is
    /// not settled, the nat chains run in priority order until one maps it; then the packet is rewritten
    /// in its direction (original: to the mapping; reply: back to the original tuple).
    func natCore(_ hook: Hook, _ namespace: String, _ packet: inout Packet, groups: [[Chain]]) -> HookEnd {
        guard let binding = currentBindings[namespace], var flow = flows[namespace]?[binding.index] else { return .pass }
        let destinationManip = hook == .prerouting || hook == .output
        let settled = destinationManip ? flow.destinationNATDone : flow.sourceNATDone
        if !settled && !binding.isReply && packet.conntrack.state.contains(.new) {
            for chain in orderedChains(groups, hook: hook, namespace: namespace) {
                let result = evaluate(chain, hook, namespace, &packet)
                switch result.verdict {
                case .accept:
                    continue
                case .nat(let action):
                    apply(action, to: &flow, packet: packet, namespace: namespace, hook: hook)
                    if action.isDestination, answer == nil { destinationNAT = result.rule }
                default:
                    flows[namespace]?[binding.index] = flow
                    return end(result, namespace, packet)
                }
                break
            }
            if destinationManip { flow.destinationNATDone = true } else { flow.sourceNATDone = true }
            flows[namespace]?[binding.index] = flow
        }
        rewrite(&packet, flow: flow, binding: binding, destinationManip: destinationManip)
        packet.conntrack.status = flow.status
        packet.conntrack.reply = flow.reply
        return .pass
    }

    private func apply(_ action: NatAction, to flow: inout TrackedFlow, packet: Packet, namespace: String, hook: Hook) {
        guard let model = model(namespace) else { return }
        switch action.kind {
        case .dnat:
            flow.mangled.destination = action.address ?? flow.mangled.destination
            flow.mangled.destinationPort = action.port ?? flow.mangled.destinationPort
            flow.status |= ConntrackView.statusDestinationNAT
        case .redirect:
            // nf_nat_redirect: the primary address of the incoming interface; loopback for local output.
            let input = packet.inputInterface.flatMap(model.routes.link(named:))
            let local = input.flatMap { link in model.routes.addresses.first { $0.interfaceIndex == link.index && $0.family == packet.family }?.local }
            flow.mangled.destination = hook == .output ? (packet.family == .ipv4 ? .v4(0x7f00_0001) : .v6(high: 0, low: 1))
                : (local ?? packet.destination)
            flow.mangled.destinationPort = action.port ?? flow.mangled.destinationPort
            flow.status |= ConntrackView.statusDestinationNAT
        case .snat:
            flow.mangled.source = action.address ?? flow.mangled.source
            flow.mangled.sourcePort = action.port ?? flow.mangled.sourcePort
            flow.status |= ConntrackView.statusSourceNAT
        case .masquerade:
            let router = Router(model: model)
            let decision = router.lookup(packet.destination, source: nil, inputInterface: nil, mark: packet.mark)
            flow.mangled.source = router.sourceAddress(for: decision, destination: packet.destination) ?? flow.mangled.source
            flow.mangled.sourcePort = action.port ?? flow.mangled.sourcePort
            flow.status |= ConntrackView.statusSourceNAT
        }
        step(namespace, hook.name(in: .inet), "\(action.kind.rawValue): \(flow.original) becomes \(flow.mangled)")
    }

    private func rewrite(_ packet: inout Packet, flow: TrackedFlow, binding: FlowBinding, destinationManip: Bool) {
        if binding.isNew && binding.isReply { return }  // an invalid packet has no mapping
        if binding.isRelated, packet.embedded != nil {
            // nf_nat_icmp_reply_translation: the embedded header goes back to the original tuple, the outer
            // destination follows it.
            if destinationManip, binding.isReply {
                packet.destination = flow.original.source
                packet.embedded = flow.original
            }
            return
        }
        switch (binding.isReply, destinationManip) {
        case (false, true):
            packet.destination = flow.mangled.destination
            packet.destinationPort = flow.mangled.destinationPort
        case (false, false):
            packet.source = flow.mangled.source
            packet.sourcePort = flow.mangled.sourcePort
        case (true, true):
            packet.destination = flow.original.source
            packet.destinationPort = flow.original.sourcePort
        case (true, false):
            packet.source = flow.original.destination
            packet.sourcePort = flow.original.destinationPort
        }
    }
}
