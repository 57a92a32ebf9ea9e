import NetCore
import NFTables
import Route

extension PathRun {
    /// A packet routed out of a bridge interface goes to the port whose namespace answers ARP for the next
    /// hop. Locally routed packets do not meet br_netfilter.
    func transmitOnBridge(_ namespace: String, _ bridge: Link, _ packet: Packet, nexthop: IPAddress) -> Leg {
        guard let (port, peer, peerName) = bridgePort(namespace, bridge, owning: nexthop) else {
            return neighbourMissing(namespace, nexthop, interface: bridge.name)
        }
        step(namespace, "link", "out \(bridge.name) port \(port.name) -> \(peer) \(peerName)")
        return arrive(peer, peerName, packet, nexthop: nexthop)
    }

    /// The port of a bridge whose veth peer owns an address.
    func bridgePort(_ namespace: String, _ bridge: Link, owning address: IPAddress) -> (Link, String, String)? {
        guard let model = model(namespace) else { return nil }
        for port in model.routes.links where port.masterIndex == bridge.index {
            guard let peer = model.peers[port.index], let peerModel = self.model(peer.namespace),
                  let peerName = peerModel.interfaceName(peer.interfaceIndex), peerModel.owns(address) else { continue }
            return (port, peer.namespace, peerName)
        }
        return nil
    }

    /// A frame entering a bridge port: for the bridge's own addresses it goes up the IP stack as arriving on
    /// the bridge; otherwise it is bridged to the port that owns the next hop, and with
    /// `bridge-nf-call-iptables` br_netfilter runs PREROUTING, FORWARD and POSTROUTING on it with the bridge as
    /// the logical interface (a DNAT in PREROUTING re-routes it, as `br_nf_pre_routing_finish` does).
    func arriveOnBridgePort(_ namespace: String, port: Link, bridge: Link, _ start: Packet, nexthop: IPAddress) -> Leg {
        guard let model = model(namespace) else { return .finished(Outcome(.unknown, "namespace \(namespace) is not in the model")) }
        let netfilter = start.family == .ipv4 && model.sysctls.bridgeCallsIptables == true
        if model.owns(nexthop) || model.owns(start.destination) {
            // br_netfilter runs PREROUTING for these too (ip_sabotage_in skips the IP stack's own pass), so
            // the packet carries nf_bridge info from here on.
            step(namespace, "link", "\(port.name) -> bridge \(bridge.name) -> up to the IP stack\(netfilter ? " (br_netfilter)" : "")")
            return arrive(namespace, bridge.name, start, nexthop: nexthop, bridgePort: netfilter ? port.index : nil)
        }
        guard let (outPort, peer, peerName) = bridgePort(namespace, bridge, owning: nexthop) else {
            return neighbourMissing(namespace, nexthop, interface: bridge.name)
        }
        guard netfilter else {
            step(namespace, "link", "bridged \(port.name) -> \(outPort.name) (bridge-nf-call-iptables off) -> \(peer) \(peerName)")
            return arrive(peer, peerName, start, nexthop: nexthop)
        }
        step(namespace, "link", "bridged \(port.name) -> \(outPort.name) through br_netfilter")
        var packet = start
        packet.inputInterface = bridge.name
        packet.outputInterface = nil
        bridgedIngress = (namespace, port.index)
        track(namespace, &packet)
        if case .stop(let leg) = runHook(.prerouting, namespace, &packet) { return leg }
        if packet.destination != start.destination {
            let decision = Router(model: model).lookup(packet.destination, source: packet.source, inputInterface: bridge.name,
                                                       mark: packet.mark)
            if decision.outputInterface != bridge.index || decision.type != .unicast {
                step(namespace, "link", "DNAT moved the destination off the bridge: routed")
                return routeInput(namespace, bridge.name, packet)
            }
            guard let (newPort, newPeer, newName) = bridgePort(namespace, bridge, owning: decision.gateway ?? packet.destination) else {
                return neighbourMissing(namespace, packet.destination, interface: bridge.name)
            }
            return bridgeForward(namespace, bridge, packet, outPort: newPort, peer: newPeer, peerName: newName)
        }
        return bridgeForward(namespace, bridge, packet, outPort: outPort, peer: peer, peerName: peerName)
    }

    private func bridgeForward(_ namespace: String, _ bridge: Link, _ start: Packet, outPort: Link, peer: String,
                               peerName: String) -> Leg {
        var packet = start
        packet.outputInterface = bridge.name
        if case .stop(let leg) = runHook(.forward, namespace, &packet) { return leg }
        if case .stop(let leg) = runHook(.postrouting, namespace, &packet) { return leg }
        bridgedIngress = nil
        hops += 1
        guard hops < 32 else { return .finished(Outcome(.timeout, "the packet loops until its TTL runs out")) }
        step(namespace, "link", "out \(bridge.name) port \(outPort.name) -> \(peer) \(peerName)")
        return arrive(peer, peerName, packet, nexthop: packet.destination)
    }
}
