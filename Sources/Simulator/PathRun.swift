import NetCore
import NFTables
import Route

/// One run of a packet along its path, following one combination of random choices and hook orders:
/// out of the source namespace, through routing, across veths into other namespaces, to a socket, and
/// the answer back.
final class PathRun {
    let simulator: PathSimulator
    let trail: Trail
    /// Conntrack entries per namespace name, created as the packet meets each namespace's conntrack.
    var flows: [String: [TrackedFlow]] = [:]
    var hops = 0
    /// Set while the answer travels back.
    var answer: AnswerLeg?
    var decisive: RuleReference?
    /// The last rule that changed the destination (dnat, redirect) on the way there: when no rule drops or
    /// rejects the packet, it is the one that decided where the packet went.
    var destinationNAT: RuleReference?
    var verdict: PacketVerdict = .accept
    /// The flow binding of the packet in each namespace it is in now (set by `track`).
    var currentBindings: [String: FlowBinding] = [:]
    /// The bridge port a packet being bridged with br_netfilter came in on (a reset goes straight back out of it).
    var bridgedIngress: (namespace: String, port: Int32)?

    /// How a leg of the path ended.
    enum Leg {
        /// The outcome is settled.
        case finished(Outcome)
        /// Something must travel back from `namespace`, built from `packet` as it was there.
        case answered(AnswerKind, namespace: String, packet: Packet)
    }

    init(simulator: PathSimulator, trail: Trail) {
        self.simulator = simulator
        self.trail = trail
    }

    func model(_ name: String) -> NamespaceModel? { simulator.network.namespaces[name] }

    func step(_ namespace: String, _ hook: String, _ effect: String) {
        trail.steps.append(Step(namespace: namespace, hook: hook, effect: effect))
    }

    /// The whole path for a packet sent from a socket in `namespace`.
    func run(_ packet: Packet, from namespace: String) -> Outcome {
        let client = packet.tuple
        switch localOut(namespace, packet) {
        case .finished(let outcome):
            return outcome
        case .answered(let kind, let responder, let at):
            answer = AnswerLeg(kind: kind, clientNamespace: namespace, expected: client.inverted)
            switch sendAnswer(kind, from: responder, packet: at) {
            case .finished(let outcome): return outcome
            case .answered: return Outcome(.timeout, "\(kind.description) is itself answered on the way back, so it never reaches the sender")
            }
        }
    }

    // MARK: locally generated packets

    /// OUTPUT, rerouting if NAT or a mark changed the packet, POSTROUTING, then out of the chosen interface.
    func localOut(_ namespace: String, _ start: Packet, attach: FlowBinding? = nil) -> Leg {
        guard let model = model(namespace) else { return .finished(Outcome(.unknown, "namespace \(namespace) is not in the model")) }
        var packet = start
        packet.inputInterface = nil
        let router = Router(model: model)
        var decision = router.lookup(packet.destination, source: packet.source, inputInterface: nil, mark: packet.mark,
                                     proto: packet.proto.number(in: packet.family), destinationPort: packet.destinationPort)
        if let failure = localRouteFailure(decision, namespace, packet) { return failure }
        packet.outputInterface = decision.outputInterface.flatMap(model.interfaceName)
        step(namespace, "routing", routeText(decision, model, packet.destination))
        track(namespace, &packet, attach: attach)
        if case .stop(let leg) = runHook(.output, namespace, &packet) { return leg }
        if packet.destination != start.destination || packet.mark != start.mark {
            // ip_route_me_harder: a changed destination or mark is routed again.
            decision = router.lookup(packet.destination, source: packet.source, inputInterface: nil, mark: packet.mark)
            if let failure = localRouteFailure(decision, namespace, packet) { return failure }
            packet.outputInterface = decision.outputInterface.flatMap(model.interfaceName)
            step(namespace, "routing", "rerouted: " + routeText(decision, model, packet.destination))
        }
        if case .stop(let leg) = runHook(.postrouting, namespace, &packet) { return leg }
        return transmit(namespace, packet, decision)
    }

    private func localRouteFailure(_ decision: RouteDecision, _ namespace: String, _ packet: Packet) -> Leg? {
        switch decision.type {
        case .unicast, .local, .broadcast, .multicast:
            return nil
        default:
            verdict = .routing
            let reason = decision.type == .blackhole
                ? "\(namespace) routes \(packet.destination) to a blackhole"
                : "\(namespace) has no route to \(packet.destination)"
            step(namespace, "routing", reason)
            if answer != nil { return .finished(Outcome(.timeout, "on the way back, " + reason)) }
            return .finished(Outcome(decision.type == .blackhole ? .timeout : .unreachable, reason))
        }
    }

    func routeText(_ decision: RouteDecision, _ model: NamespaceModel, _ destination: IPAddress) -> String {
        if decision.type == .local { return "\(destination) is local" }
        var text = "route to \(destination)"
        if let gateway = decision.gateway { text += " via \(gateway)" }
        if let index = decision.outputInterface { text += " dev \(model.interfaceName(index) ?? "#\(index)")" }
        if let table = decision.table, table != .main { text += " table \(table)" }
        return text
    }

    // MARK: the link layer

    /// Hands the packet to the output interface: loopback delivers it back into this namespace, a veth to
    /// its peer, a bridge to the port whose namespace answers for the next hop.
    func transmit(_ namespace: String, _ packet: Packet, _ decision: RouteDecision) -> Leg {
        hops += 1
        guard hops < 32, let model = model(namespace) else {
            return .finished(Outcome(.timeout, "the packet loops between namespaces until its TTL runs out"))
        }
        let nexthop = decision.gateway ?? packet.destination
        guard let index = decision.outputInterface, let link = model.routes.link(index: index) else {
            return .finished(Outcome(.unknown, "\(namespace) routes \(packet.destination) to an interface the model lacks"))
        }
        if decision.type == .local || link.flags.contains(.loopback) {
            // Loopback keeps the packet's conntrack entry: it re-enters PREROUTING already tracked.
            return arrive(namespace, link.name, packet, nexthop: nexthop, loopback: true)
        }
        if link.kind == .bridge {
            return transmitOnBridge(namespace, link, packet, nexthop: nexthop)
        }
        guard let peer = model.peers[index], let peerModel = self.model(peer.namespace),
              let peerName = peerModel.interfaceName(peer.interfaceIndex) else {
            let kind = link.kind?.rawValue ?? "device"
            return .finished(Outcome(.unknown, "the packet leaves \(namespace) through \(link.name) (\(kind)), beyond what nfscope can see"))
        }
        let peerIsBridgePort = peerModel.routes.link(index: peer.interfaceIndex)?.masterIndex != nil
        guard peerModel.owns(nexthop) || peerIsBridgePort else {
            return neighbourMissing(namespace, nexthop, interface: link.name)
        }
        step(namespace, "link", "out \(link.name) -> \(peer.namespace) \(peerName)")
        return arrive(peer.namespace, peerName, packet, nexthop: nexthop)
    }

    /// A namespace whose interface on this link owns the next hop answers ARP; nobody else does.
    func neighbourMissing(_ namespace: String, _ nexthop: IPAddress, interface: String) -> Leg {
        let reason = "nothing on \(interface) in \(namespace) answers for \(nexthop) (no neighbour)"
        step(namespace, "link", reason)
        if answer != nil { return .finished(Outcome(.timeout, "on the way back, " + reason)) }
        return .finished(Outcome(.unreachable, reason))
    }
}
