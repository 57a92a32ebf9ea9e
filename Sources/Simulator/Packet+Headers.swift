import NetCore
import NFTables

extension Packet {
    /// The bytes of a synthesised header at a payload base, as `nft_payload_eval` would copy them from the
    /// skb: a 20-byte IPv4 or 40-byte IPv6 header, a TCP (20), UDP (8) or ICMP (8) header; the link-layer
    /// header is a zero Ethernet header (nothing on the path looks at MAC addresses).
    func header(_ base: PayloadBase) -> [UInt8]? {
        switch base {
        case .linkLayer: return inputInterface == nil ? nil : [UInt8](repeating: 0, count: 12) + (family == .ipv4 ? [0x08, 0x00] : [0x86, 0xdd])
        case .network: return networkHeader
        case .transport: return transportHeader
        default: return nil
        }
    }

    var networkHeader: [UInt8] {
        let l4 = transportHeader.count
        let number = proto.number(in: family)
        switch family {
        case .ipv4:
            let total = UInt16(20 + l4)
            return [0x45, 0x00] + total.bigEndianBytes + [0, 0, 0x40, 0x00, 64, number, 0, 0]
                + source.networkBytes + destination.networkBytes
        case .ipv6:
            return [0x60, 0, 0, 0] + UInt16(l4).bigEndianBytes + [number, 64]
                + source.networkBytes + destination.networkBytes
        }
    }

    var transportHeader: [UInt8] {
        switch proto {
        case .tcp:
            return sourcePort.bigEndianBytes + destinationPort.bigEndianBytes + [0, 0, 0, 1, 0, 0, 0, 0]
                + [0x50, tcpFlags, 0xfa, 0xf0, 0, 0, 0, 0]
        case .udp:
            return sourcePort.bigEndianBytes + destinationPort.bigEndianBytes + UInt16(8).bigEndianBytes + [0, 0]
        case .icmp:
            let echoRequest: UInt8 = family == .ipv4 ? 8 : 128
            return [echoRequest, 0, 0, 0] + sourcePort.bigEndianBytes + [0, 1]
        }
    }

    /// The IP total length (`meta len`).
    var length: UInt32 { UInt32(networkHeader.count) }
}
