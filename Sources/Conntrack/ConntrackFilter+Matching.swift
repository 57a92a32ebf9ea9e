import NetCore

extension ConntrackFilter {
    /// Whether a flow passes the filter. This is the authority: the kernel's dump filter only cuts work.
    public func matches(_ flow: Flow) -> Bool {
        if let family, flow.family != family { return false }
        if let l4Protocol, flow.l4Protocol != l4Protocol { return false }
        guard original.matches(flow.original), reply.matches(flow.reply) else { return false }
        if let states {
            guard let state = flow.protocolState, states.contains(state.name) else { return false }
        }
        if !flow.status.isSuperset(of: statusSet) || !flow.status.isDisjoint(with: statusClear) { return false }
        if let mark, (flow.mark ?? 0) & mark.mask != mark.value { return false }
        if let zone, !flow.isInZone(zone) { return false }
        if let nat, !nat.matches(flow.status) { return false }
        return true
    }
}

extension TupleFilter {
    /// Whether a tuple passes these conditions; a port condition fails on a protocol without ports.
    public func matches(_ tuple: Tuple) -> Bool {
        if let source, !source.contains(tuple.source) { return false }
        if let destination, !destination.contains(tuple.destination) { return false }
        if let sourcePorts {
            guard let port = tuple.sourcePort, sourcePorts.contains(port) else { return false }
        }
        if let destinationPorts {
            guard let port = tuple.destinationPort, destinationPorts.contains(port) else { return false }
        }
        return true
    }
}

extension NATFilter {
    func matches(_ status: ConntrackStatus) -> Bool {
        switch self {
        case .snat: return status.contains(.sourceNAT)
        case .dnat: return status.contains(.destinationNAT)
        case .any: return !status.isDisjoint(with: [.sourceNAT, .destinationNAT])
        case .neither: return status.isDisjoint(with: [.sourceNAT, .destinationNAT])
        }
    }
}

extension Flow {
    /// Whether the flow is in zone `id` in any direction; without a zone it is in zone 0.
    public func isInZone(_ id: UInt16) -> Bool {
        let zones = [zone?.id, original.zone, reply.zone].compactMap { $0 }
        return zones.isEmpty ? id == 0 : zones.contains(id)
    }
}
