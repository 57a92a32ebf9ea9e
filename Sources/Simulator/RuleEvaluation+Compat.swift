import NetCore
import NFTables
import Xtables

extension RuleEvaluation {
    /// The family whose layout a compat blob uses: the table's, or the packet's for inet tables.
    func compatFamily(_ packet: Packet) -> IPFamily {
        rule.family == .ip ? .ipv4 : rule.family == .ip6 ? .ipv6 : packet.family
    }

    /// `nft_match_eval`: an x_tables match decoded by the Xtables module.
    mutating func compatMatch(_ e: CompatExtension, _ packet: Packet) -> Step {
        if e.name == "tcp" || e.name == "udp" || e.name == "multiport" {
            let matched = e.name == "multiport" ? PortMatch.multiport(e, packet) : PortMatch.tcpUDP(e, packet)
            guard let matched else { return unknown("-m \(e.name)") }
            return matched ? .next : .breakRule
        }
        let ext = XtExtension(name: e.name, revision: e.revision, info: e.info)
        guard let match = try? XtMatch.decode(ext, family: compatFamily(packet)) else {
            return unknown("-m \(e.name) (undecodable)")
        }
        switch match {
        case .comment:
            return .next
        case .statistic(let statistic):
            return statisticBranch(statistic)
        case .recent(let recent):
            // Whether the source is in the list depends on earlier packets: explore both ways.
            let choice = context.trail.cursor.choose(.random([nil, nil]),
                                                      labels: ["recent \(recent.name) hit", "recent \(recent.name) miss"])
            effects.append(choice == 0 ? "recent \(recent.name): assumed in the list" : "recent \(recent.name): assumed not in the list")
            return (choice == 0) != recent.inverted ? .next : .breakRule
        case .addrtype(let addrtype):
            return addrtypeMatches(addrtype, packet) ? .next : .breakRule
        case .state(let state):
            return UInt32(conntrackStateBits(packet)) & state.stateMask != 0 ? .next : .breakRule
        case .conntrack(let conntrack):
            return conntrackMatches(conntrack, packet) ? .next : .breakRule
        case .owner(let owner):
            return ownerMatches(owner, packet)
        default:
            return unknown("-m \(e.name)")
        }
    }

    /// `owner_mt`: only locally generated packets have a socket; nfscope simulates a sender running as
    /// root (uid 0, gid 0), as the `meta skuid` case does, and says so. A packet without a socket
    /// (forwarded) does not match, whatever the inversion (the kernel returns false before inverting).
    private mutating func ownerMatches(_ owner: XtOwner, _ packet: Packet) -> Step {
        guard packet.inputInterface == nil else { return .breakRule }
        context.trail.warn("socket owner (-m owner) is assumed to be root (uid 0, gid 0)")
        if owner.match.contains(.uid) {
            let inside = owner.uidMin <= 0 && 0 <= owner.uidMax
            if inside == owner.invert.contains(.uid) { return .breakRule }
        }
        if owner.match.contains(.gid) {
            let inside = owner.gidMin <= 0 && 0 <= owner.gidMax
            if inside == owner.invert.contains(.gid) { return .breakRule }
        }
        if owner.match.contains(.socketExists), owner.invert.contains(.socketExists) { return .breakRule }
        return .next
    }

    private mutating func statisticBranch(_ statistic: XtStatistic) -> Step {
        let p: Double
        switch statistic.mode {
        case .random: p = statistic.probability ?? 0
        case .nth(let every, _): p = 1.0 / Double(every + 1)
        case .unknown: return unknown("-m statistic")
        }
        let matchProbability = statistic.inverted ? 1 - p : p
        let label = String(format2(matchProbability))
        let choice = context.trail.cursor.choose(.random([matchProbability, 1 - matchProbability]),
                                                  labels: ["statistic matches (p=\(label))", "statistic does not match"])
        return choice == 0 ? .next : .breakRule
    }

    /// `XT_CONNTRACK_STATE_*` bits of the packet: the ctinfo bit, plus SNAT/DNAT from the status.
    func conntrackStateBits(_ packet: Packet) -> UInt16 {
        let view = packet.conntrack
        if view.state.contains(.untracked) { return 256 }
        var bits = UInt16(view.state.rawValue & 0x0f)
        if view.status & ConntrackView.statusSourceNAT != 0 { bits |= 64 }
        if view.status & ConntrackView.statusDestinationNAT != 0 { bits |= 128 }
        return bits
    }

    /// `conntrack_mt`: state, status, protocol and tuple fields, each with its invert flag.
    private func conntrackMatches(_ info: XtConntrack, _ packet: Packet) -> Bool {
        func check(_ field: XtConntrack.Fields, _ value: @autoclosure () -> Bool) -> Bool {
            guard info.matchFields.contains(field) else { return true }
            return value() != info.invertFields.contains(field)
        }
        let view = packet.conntrack
        guard check(.state, info.stateMask & conntrackStateBits(packet) != 0) else { return false }
        let tracked = !view.state.contains(.invalid) && !view.state.contains(.untracked)
        let others: XtConntrack.Fields = [.proto, .originalSource, .originalDestination, .replySource, .replyDestination,
                                          .status, .originalSourcePort, .originalDestinationPort, .replySourcePort,
                                          .replyDestinationPort]
        if !tracked { return info.matchFields.intersection(others).isEmpty }
        let original = view.original ?? packet.tuple
        let reply = view.reply ?? original.inverted
        func inside(_ address: IPAddress, _ field: XtConntrack.Address) -> Bool {
            let a = address.networkBytes, b = field.address.networkBytes, m = field.mask.networkBytes
            guard a.count == b.count, b.count == m.count else { return false }
            return (0..<a.count).allSatisfy { a[$0] & m[$0] == b[$0] & m[$0] }
        }
        func within(_ port: UInt16, _ range: XtConntrack.Ports) -> Bool { port >= range.low && port <= range.high }
        return check(.proto, info.l4proto == UInt16(packet.proto.number(in: packet.family)))
            && check(.status, UInt32(info.statusMask) & view.status != 0)
            && check(.originalSource, inside(original.source, info.originalSource))
            && check(.originalDestination, inside(original.destination, info.originalDestination))
            && check(.replySource, inside(reply.source, info.replySource))
            && check(.replyDestination, inside(reply.destination, info.replyDestination))
            && check(.originalSourcePort, within(original.sourcePort, info.originalSourcePort))
            && check(.originalDestinationPort, within(original.destinationPort, info.originalDestinationPort))
            && check(.replySourcePort, within(reply.sourcePort, info.replySourcePort))
            && check(.replyDestinationPort, within(reply.destinationPort, info.replyDestinationPort))
    }

    /// `addrtype_mt`: the route type of the address, as a bit `1 << RTN_*`.
    private func addrtypeMatches(_ info: XtAddrType, _ packet: Packet) -> Bool {
        let device = info.limitInterfaceIn ? packet.inputInterface : info.limitInterfaceOut ? packet.outputInterface : nil
        if info.source != 0 {
            let bit = UInt16(1) << UInt16(context.router.addressType(packet.source, interface: device).rawValue)
            if (info.source & bit != 0) == info.invertSource { return false }
        }
        if info.destination != 0 {
            let bit = UInt16(1) << UInt16(context.router.addressType(packet.destination, interface: device).rawValue)
            if (info.destination & bit != 0) == info.invertDestination { return false }
        }
        return true
    }

    /// `nft_target_eval`: x_tables targets; those that only mark or log continue.
    mutating func compatTarget(_ e: CompatExtension, _ packet: inout Packet) -> Step {
        let ext = XtExtension(name: e.name, revision: e.revision, info: e.info)
        let family = compatFamily(packet)
        guard let target = try? XtTarget.decode(ext, family: family) else { return unknown("-j \(e.name) (undecodable)") }
        switch target {
        case .dnat(let range): return .stop(.nat(natAction(.dnat, range)))
        case .snat(let range): return .stop(.nat(natAction(.snat, range)))
        case .masquerade(let range): return .stop(.nat(natAction(.masquerade, range)))
        case .redirect(let range): return .stop(.nat(natAction(.redirect, range)))
        case .reject(let reject):
            switch (family, reject.code) {
            case (.ipv4, 7), (.ipv6, 6): return .stop(.reject(.tcpReset))
            case (.ipv4, 3), (.ipv4, 2), (.ipv6, 4): return .stop(.reject(.icmpPortUnreachable))
            default: return .stop(.reject(.icmpUnreachable(reject.name ?? "code \(reject.code)")))
            }
        case .mark(let mark):
            packet.mark = applying(mark, to: packet.mark)
            effects.append("MARK set 0x\(String(packet.mark, radix: 16))")
            return .next
        default:
            switch e.name {
            case "LOG", "NFLOG", "CHECKSUM", "TCPMSS", "CONNMARK", "CT", "TRACE", "AUDIT", "CLASSIFY", "DSCP", "TOS":
                return .next
            case "ACCEPT": registers.verdict = Verdict(code: .accept); return .next
            case "DROP": registers.verdict = Verdict(code: .drop); return .next
            default:
                context.trail.warn("target \(e.name) is not simulated; assumed to continue")
                effects.append("-j \(e.name) assumed to continue")
                return .next
            }
        }
    }

    private func natAction(_ kind: NatAction.Kind, _ range: XtNatRange) -> NatAction {
        NatAction(kind: kind, address: range.flags.contains(.mapIPs) ? range.minAddress : nil,
                  port: range.flags.contains(.protoSpecified) ? range.minPort : nil)
    }

    private func applying(_ mark: XtMarkTarget, to current: UInt32) -> UInt32 {
        switch mark {
        case .setXMark(let value, let mask): return (current & ~mask) ^ value
        case .set(let value): return UInt32(truncatingIfNeeded: value)
        case .and(let value): return current & UInt32(truncatingIfNeeded: value)
        case .or(let value): return current | UInt32(truncatingIfNeeded: value)
        case .unknownMode: return current
        }
    }
}

/// A probability with up to 5 decimals, as iptables prints it.
func format2(_ value: Double) -> String {
    let scaled = (value * 100_000).rounded() / 100_000
    return "\(scaled)"
}
