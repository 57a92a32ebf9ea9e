import NFTables

/// The x_tables port matches the Xtables module leaves raw: `-m tcp`/`-m udp` (`struct xt_tcp`, `struct
/// xt_udp`, linux/netfilter/xt_tcpudp.h) and `-m multiport` revision 1 (`struct xt_multiport_v1`), decoded
/// here from their host-order (little-endian) layout.
struct PortMatch {
    /// `tcp_mt` / `udp_mt`: port ranges (and TCP flags) with their invert bits.
    static func tcpUDP(_ ext: CompatExtension, _ packet: Packet) -> Bool? {
        let info = ext.info
        let isTCP = ext.name == "tcp"
        guard info.count >= (isTCP ? 12 : 10) else { return nil }
        guard packet.proto == (isTCP ? .tcp : .udp) else { return false }
        let sourceRange = u16(info, 0)...max(u16(info, 0), u16(info, 2))
        let destinationRange = u16(info, 4)...max(u16(info, 4), u16(info, 6))
        let invert = info[isTCP ? 11 : 8]
        guard sourceRange.contains(packet.sourcePort) != (invert & 0x01 != 0) else { return false }
        guard destinationRange.contains(packet.destinationPort) != (invert & 0x02 != 0) else { return false }
        if isTCP {
            let mask = info[9], compare = info[10]
            guard (packet.tcpFlags & mask == compare) != (invert & 0x04 != 0) else { return false }
            if info[8] != 0 { return nil }  // --tcp-option needs the options of the real segment
        }
        return true
    }

    /// `multiport_mt` revision 1: up to 15 ports or ranges on the source, destination or either port.
    static func multiport(_ ext: CompatExtension, _ packet: Packet) -> Bool? {
        let info = ext.info
        guard ext.revision == 1, info.count >= 48 else { return nil }
        guard packet.proto == .tcp || packet.proto == .udp else { return false }
        let flags = info[0], count = min(Int(info[1]), 15), invert = info[47] != 0
        var index = 0
        var found = false
        while index < count && !found {
            let low = u16(info, 2 + 2 * index)
            var high = low
            if info[32 + index] != 0, index + 1 < count {
                high = max(low, u16(info, 2 + 2 * (index + 1)))
                index += 1
            }
            let range = low...high
            switch flags {
            case 0: found = range.contains(packet.sourcePort)
            case 1: found = range.contains(packet.destinationPort)
            default: found = range.contains(packet.sourcePort) || range.contains(packet.destinationPort)
            }
            index += 1
        }
        return found != invert
    }

    private static func u16(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
        UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }
}
