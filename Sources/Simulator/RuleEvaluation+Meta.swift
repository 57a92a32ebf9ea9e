import NetCore
import NFTables
import Route

extension RuleEvaluation {
    /// `nft_meta_get_eval` / `nft_meta_set_eval` for the keys a path simulation can know.
    mutating func meta(_ e: Expression.Meta, _ packet: inout Packet) -> Step {
        if case .set(let source) = e.operation {
            if e.key == .mark, let value = registers.loadHost32(source) {
                packet.mark = value
                effects.append("meta mark set 0x\(String(value, radix: 16))")
            }
            return .next
        }
        guard case .load(let destination) = e.operation else { return .next }
        let links = context.namespace.routes
        let input = packet.inputInterface.flatMap(links.link(named:))
        let output = packet.outputInterface.flatMap(links.link(named:))
        switch e.key {
        case .len: registers.storeHost32(destination, packet.length)
        case .protocol: registers.store(destination, packet.family == .ipv4 ? [0x08, 0x00] : [0x86, 0xdd])
        case .nfproto: registers.store(destination, [packet.family == .ipv4 ? 2 : 10])
        case .l4proto: registers.store(destination, [packet.proto.number(in: packet.family)])
        case .mark: registers.storeHost32(destination, packet.mark)
        case .priority, .secmark, .rtclassid, .secpath, .cpu: registers.storeHost32(destination, 0)
        case .pkttype: registers.store(destination, [0])  // PACKET_HOST
        case .iif, .iifname, .iiftype, .iifgroup, .iifkind:
            guard let input else { return .breakRule }  // no input device (local output): NFT_BREAK
            storeDevice(e.key, input, destination)
        case .oif, .oifname, .oiftype, .oifgroup, .oifkind:
            guard let output else { return .breakRule }
            storeDevice(e.key, output, destination)
        case .skuid, .skgid:
            guard packet.inputInterface == nil else { return .breakRule }  // only local sockets have an owner
            registers.storeHost32(destination, 0)
            context.trail.warn("socket owner (skuid/skgid) is assumed to be root")
        default:
            return unknown("meta \(e.key)")
        }
        return .next
    }

    private mutating func storeDevice(_ key: MetaKey, _ link: Link, _ destination: Register) {
        switch key {
        case .iif, .oif: registers.storeHost32(destination, UInt32(bitPattern: link.index))
        case .iifname, .oifname: registers.store(destination, ifname(link.name))
        case .iiftype, .oiftype: registers.storeHost16(destination, link.hardwareType)
        case .iifgroup, .oifgroup: registers.storeHost32(destination, link.group ?? 0)
        default: registers.store(destination, ifname(link.kind?.rawValue ?? ""))
        }
    }

    /// An interface name as the kernel loads it: `IFNAMSIZ` (16) bytes, NUL-padded.
    func ifname(_ name: String) -> [UInt8] {
        let bytes = Array(name.utf8.prefix(15))
        return bytes + [UInt8](repeating: 0, count: 16 - bytes.count)
    }

    /// `nft_ct_get_eval` / `nft_ct_set_eval`.
    mutating func ct(_ e: Expression.Ct, _ packet: inout Packet) -> Step {
        let view = packet.conntrack
        let tracked = !view.state.contains(.untracked) && !view.state.contains(.invalid)
        if case .set(let source) = e.operation {
            if e.key == .mark, tracked, let value = registers.loadHost32(source) {
                packet.conntrack.mark = value
                effects.append("ct mark set 0x\(String(value, radix: 16))")
            }
            return .next
        }
        guard case .load(let destination) = e.operation else { return .next }
        if e.key == .state {
            registers.storeHost32(destination, view.state.rawValue)
            return .next
        }
        guard tracked else { return .breakRule }  // no conntrack entry: every other key breaks
        let reply = e.direction.map { $0 == 1 } ?? view.isReply
        let tuple = e.direction == nil ? nil : (reply ? view.reply : view.original)
        switch e.key {
        case .direction: registers.store(destination, [view.isReply ? 1 : 0])
        case .status: registers.storeHost32(destination, view.status)
        case .mark: registers.storeHost32(destination, view.mark)
        case .expiration, .zone, .id, .secmark: registers.storeHost32(destination, 0)
        case .labels: registers.store(destination, [UInt8](repeating: 0, count: 16))
        case .l3protocol: registers.store(destination, [packet.family == .ipv4 ? 2 : 10])
        case .protocol: registers.store(destination, [packet.proto.number(in: packet.family)])
        case .src, .srcIP, .srcIP6:
            guard let tuple else { return .breakRule }
            registers.store(destination, tuple.source.networkBytes)
        case .dst, .dstIP, .dstIP6:
            guard let tuple else { return .breakRule }
            registers.store(destination, tuple.destination.networkBytes)
        case .protoSrc:
            guard let tuple else { return .breakRule }
            registers.store(destination, tuple.sourcePort.bigEndianBytes)
        case .protoDst:
            guard let tuple else { return .breakRule }
            registers.store(destination, tuple.destinationPort.bigEndianBytes)
        case .helper:
            return .breakRule  // no helper is assigned to simulated connections
        default:
            return unknown("ct \(e.key)")
        }
        return .next
    }
}
