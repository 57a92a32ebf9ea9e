import NetCore
import NFTables
import Route

extension PathRun {
    /// A packet arriving on an interface: PREROUTING, the input routing decision (martians, rp_filter,
    /// ip_forward), then INPUT and a socket, or FORWARD, POSTROUTING and out again.
    /// - Parameter bridgePort: the bridge port the frame came in on when br_netfilter saw it (the packet then
    ///   carries `nf_bridge` info, which changes how a reset for it is sent).
    func arrive(_ namespace: String, _ interface: String, _ start: Packet, nexthop: IPAddress, loopback: Bool = false,
                bridgePort: Int32? = nil) -> Leg {
        guard let model = model(namespace) else { return .finished(Outcome(.unknown, "namespace \(namespace) is not in the model")) }
        if let link = model.routes.link(named: interface), let master = link.masterIndex,
           let bridge = model.routes.link(index: master), bridge.kind == .bridge {
            return arriveOnBridgePort(namespace, port: link, bridge: bridge, start, nexthop: nexthop)
        }
        bridgedIngress = bridgePort.map { (namespace, $0) }
        var packet = start
        packet.inputInterface = interface
        packet.outputInterface = nil
        if !loopback || currentBindings[namespace] == nil { track(namespace, &packet) }
        if case .stop(let leg) = runHook(.prerouting, namespace, &packet) { return leg }
        return routeInput(namespace, interface, packet)
    }

    /// The input routing decision and what follows it.
    func routeInput(_ namespace: String, _ interface: String, _ start: Packet) -> Leg {
        guard let model = model(namespace) else { return .finished(Outcome(.unknown, "namespace \(namespace) is not in the model")) }
        var packet = start
        let router = Router(model: model)
        if let martian = martian(model, interface, packet) { return dropped(namespace, martian) }
        let decision = router.lookup(packet.destination, source: packet.source, inputInterface: interface, mark: packet.mark,
                                     proto: packet.proto.number(in: packet.family), destinationPort: packet.destinationPort)
        switch decision.type {
        case .local:
            if let failure = reversePathFailure(model, router, interface, packet) { return dropped(namespace, failure) }
            step(namespace, "routing", routeText(decision, model, packet.destination))
            if case .stop(let leg) = runHook(.input, namespace, &packet) { return leg }
            return deliverLocal(namespace, packet)
        case .unicast:
            if let failure = reversePathFailure(model, router, interface, packet) { return dropped(namespace, failure) }
            let forwarding = packet.family == .ipv4 ? model.sysctls.ipv4Forwarding : (model.sysctls.ipv6Forwarding ?? false)
            guard forwarding else {
                // ip_error: with forwarding off the kernel drops without an ICMP error.
                return dropped(namespace, "\(namespace) does not forward (ip_forward is 0), so the packet to \(packet.destination) is dropped")
            }
            packet.outputInterface = decision.outputInterface.flatMap(model.interfaceName)
            step(namespace, "routing", "forward: " + routeText(decision, model, packet.destination))
            if case .stop(let leg) = runHook(.forward, namespace, &packet) { return leg }
            if case .stop(let leg) = runHook(.postrouting, namespace, &packet) { return leg }
            return transmit(namespace, packet, decision)
        case .blackhole:
            return dropped(namespace, "\(namespace) routes \(packet.destination) to a blackhole")
        default:
            verdict = .routing
            let reason = "\(namespace) has no route to \(packet.destination)"
            step(namespace, "routing", reason + "; it answers with ICMP unreachable")
            if answer != nil { return .finished(Outcome(.timeout, "on the way back, " + reason)) }
            return .answered(.icmpUnreachable(decision.type == .prohibit ? "admin-prohibited" : "net-unreachable"),
                             namespace: namespace, packet: packet)
        }
    }

    /// A packet the routing code drops silently.
    func dropped(_ namespace: String, _ reason: String) -> Leg {
        verdict = .routing
        step(namespace, "routing", reason)
        return .finished(Outcome(.timeout, answer == nil ? reason : "on the way back, " + reason))
    }

    /// Martian sources and destinations (`ip_route_input_slow`): loopback addresses from the wire unless
    /// route_localnet, and our own address as a source from outside.
    private func martian(_ model: NamespaceModel, _ interface: String, _ packet: Packet) -> String? {
        guard interface != "lo" else { return nil }
        let localnet = model.sysctls.effectiveRouteLocalnet(on: interface) ?? (model.sysctls.routeLocalnet.all != 0)
        if packet.destination.isLoopback && !localnet {
            return "\(model.name) drops a packet to \(packet.destination) from \(interface): a martian destination (route_localnet is 0)"
        }
        if packet.source.isLoopback && !localnet {
            return "\(model.name) drops a packet from \(packet.source) on \(interface): a martian source"
        }
        return nil
    }

    /// `fib_validate_source`: strict mode wants the route back to the source to leave through the arrival
    /// interface, loose mode any route back.
    private func reversePathFailure(_ model: NamespaceModel, _ router: Router, _ interface: String, _ packet: Packet) -> String? {
        guard interface != "lo", packet.family == .ipv4 else { return nil }
        let sysctls = model.sysctls
        let mode = sysctls.effectiveReversePathFilter(on: interface)
            ?? max(sysctls.reversePathFilter.all, sysctls.reversePathFilter.default)
        guard mode > 0 else { return nil }
        let back = router.lookup(packet.source, source: nil, inputInterface: nil, mark: packet.mark)
        if back.type != .unicast && back.type != .local {
            return "rp_filter (\(mode == 1 ? "strict" : "loose")) on \(interface) drops it: no route back to \(packet.source)"
        }
        if mode == 1, back.outputInterface.flatMap(model.interfaceName) != interface {
            return "rp_filter (strict) on \(interface) drops it: the route back to \(packet.source) leaves through another interface"
        }
        return nil
    }

    /// A packet for this namespace: to a listening socket (forward leg), or the answer reaching the sender.
    func deliverLocal(_ namespace: String, _ packet: Packet) -> Leg {
        guard let model = model(namespace) else { return .finished(Outcome(.unknown, "namespace \(namespace) is not in the model")) }
        if let answer { return answerArrived(answer, namespace, packet) }
        let delivery = Delivery(namespace: namespace, address: packet.destination, port: packet.destinationPort)
        // A locally generated packet to one of the namespace's own addresses arrives on loopback.
        let arrivalName = packet.inputInterface ?? "lo"
        let arrival = model.routes.links.first { $0.name == arrivalName }?.index
        if model.listeners.contains(where: { $0.accepts(packet.proto, packet.destination, packet.destinationPort, arrival: arrival) }) {
            step(namespace, "socket", "a socket listens on \(packet.proto) \(delivery)")
            return .answered(.data(delivery), namespace: namespace, packet: packet)
        }
        verdict = .accept
        if packet.proto == .tcp {
            step(namespace, "socket", "nothing listens on tcp \(delivery): the kernel answers with a reset")
            return .answered(.tcpReset, namespace: namespace, packet: packet)
        }
        step(namespace, "socket", "nothing listens on \(packet.proto) \(delivery): the kernel answers with ICMP port-unreachable")
        return .answered(.icmpPortUnreachable, namespace: namespace, packet: packet)
    }

    private func answerArrived(_ answer: AnswerLeg, _ namespace: String, _ packet: Packet) -> Leg {
        guard namespace == answer.clientNamespace else {
            return .finished(Outcome(.timeout, "\(answer.kind.description) is delivered in \(namespace), not to the sender in \(answer.clientNamespace)"))
        }
        let seen = packet.embedded.map { $0.inverted } ?? packet.tuple
        guard seen == answer.expected || (packet.embedded != nil && packet.embedded == answer.expected.inverted) else {
            step(namespace, "socket", "\(answer.kind.description) arrives as \(seen), but the socket expects \(answer.expected)")
            return .finished(Outcome(.timeout, "\(answer.kind.description) comes back as \(seen), which the sender's socket (\(answer.expected)) does not recognise"))
        }
        step(namespace, "socket", "\(answer.kind.description) reaches the sender's socket")
        switch answer.kind {
        case .data(let delivery):
            return .finished(answer.kind.outcome("delivered to a listening socket at \(delivery), and the answer comes back"))
        case .tcpReset:
            return .finished(answer.kind.outcome(decisive == nil
                ? "nothing listens at the destination\(divertedBy), and its reset reaches the sender"
                : "a rule rejects it with a TCP reset, which reaches the sender"))
        case .icmpPortUnreachable:
            return .finished(answer.kind.outcome(decisive == nil
                ? "nothing listens at the destination\(divertedBy), and the ICMP port-unreachable reaches the sender"
                : "a rule rejects it with ICMP port-unreachable, which reaches the sender"))
        case .icmpUnreachable(let name):
            return .finished(answer.kind.outcome("the sender receives ICMP \(name)"))
        }
    }
}

extension PathRun {
    /// " (where rule handle N of ip nat CHAIN in NS sent it)" when a destination NAT rule chose it.
    var divertedBy: String {
        destinationNAT.map { " (where \(describe($0)) sent it)" } ?? ""
    }
}
