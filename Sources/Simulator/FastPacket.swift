import NetCore

/// The per-packet state of the compiled hot path: plain values only, owned by the caller and passed
/// `inout`, so a simulated packet costs no heap allocation.
public struct FastPacket: Hashable, Sendable {
    public var isIPv6: Bool
    /// The IP protocol number.
    public var proto: UInt8
    /// Addresses as numbers: an IPv4 address in the low 32 bits.
    public var source: Wide128
    public var destination: Wide128
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var tcpFlags: UInt8
    public var mark: UInt32
    /// `ConntrackState` bits and `IPS_*` status of the packet's connection.
    public var ctState: UInt32
    public var ctStatus: UInt32
    /// Interface indexes (0: none) and their names as 16 NUL-padded bytes.
    public var inputInterface: Int32
    public var outputInterface: Int32
    var inputName: Wide
    var outputName: Wide

    /// A new connection's first packet (conntrack state new, SYN for TCP).
    public init(_ packet: Packet) {
        isIPv6 = packet.family == .ipv6
        proto = packet.proto.number(in: packet.family)
        source = Wide128(packet.source)
        destination = Wide128(packet.destination)
        sourcePort = packet.sourcePort
        destinationPort = packet.destinationPort
        tcpFlags = packet.tcpFlags
        mark = packet.mark
        ctState = packet.conntrack.state.rawValue
        ctStatus = packet.conntrack.status
        inputInterface = 0
        outputInterface = 0
        inputName = .zero
        outputName = .zero
    }

    /// The length of the synthesised transport header (TCP 20, UDP and ICMP 8).
    var transportLength: Int { proto == 6 ? 20 : 8 }

    /// One byte of a source, or nil where the kernel's load would fail (past the header, no device).
    @inline(__always)
    func byte(_ source: FieldSource, _ i: Int) -> UInt8? {
        switch source {
        case .network: return isIPv6 ? ipv6Byte(i) : ipv4Byte(i)
        case .transport: return transportByte(i)
        case .l4proto: return i == 0 ? proto : nil
        case .nfproto: return i == 0 ? (isIPv6 ? 10 : 2) : nil
        case .mark: return i < 4 ? UInt8(truncatingIfNeeded: mark >> (8 * UInt32(i))) : nil
        case .iifname: return inputInterface == 0 ? nil : inputName.byte(i)
        case .oifname: return outputInterface == 0 ? nil : outputName.byte(i)
        case .protocolType: return i == 0 ? (isIPv6 ? 0x86 : 0x08) : i == 1 ? (isIPv6 ? 0xdd : 0x00) : nil
        }
    }

    private func ipv4Byte(_ i: Int) -> UInt8? {
        switch i {
        case 0: return 0x45
        case 2: return UInt8((20 + transportLength) >> 8)
        case 3: return UInt8((20 + transportLength) & 0xff)
        case 6: return 0x40
        case 8: return 64
        case 9: return proto
        case 12..<16: return UInt8(truncatingIfNeeded: source.lo >> (8 * UInt64(15 - i)))
        case 16..<20: return UInt8(truncatingIfNeeded: destination.lo >> (8 * UInt64(19 - i)))
        case 1, 4, 5, 7, 10, 11: return 0
        default: return nil
        }
    }

    private func ipv6Byte(_ i: Int) -> UInt8? {
        switch i {
        case 0: return 0x60
        case 1, 2, 3: return 0
        case 4: return UInt8(transportLength >> 8)
        case 5: return UInt8(transportLength & 0xff)
        case 6: return proto
        case 7: return 64
        case 8..<24: return source.byte(i - 8)
        case 24..<40: return destination.byte(i - 24)
        default: return nil
        }
    }

    private func transportByte(_ i: Int) -> UInt8? {
        guard i < transportLength else { return nil }
        if proto == 6 || proto == 17 {
            switch i {
            case 0: return UInt8(sourcePort >> 8)
            case 1: return UInt8(sourcePort & 0xff)
            case 2: return UInt8(destinationPort >> 8)
            case 3: return UInt8(destinationPort & 0xff)
            default: break
            }
            if proto == 17 { return i == 5 ? 8 : 0 }
            switch i {
            case 7: return 1
            case 12: return 0x50
            case 13: return tcpFlags
            case 14: return 0xfa
            case 15: return 0xf0
            default: return 0
            }
        }
        switch i {  // ICMP echo request: the "source port" is the identifier
        case 0: return isIPv6 ? 128 : 8
        case 4: return UInt8(sourcePort >> 8)
        case 5: return UInt8(sourcePort & 0xff)
        case 7: return 1
        default: return 0
        }
    }

    /// A window as a big-endian number, or nil where the load would fail.
    @inline(__always)
    func read(_ window: FieldWindow) -> Wide? {
        if window.source == .network, !isIPv6, window.length == 4 {
            if window.offset == 16 { return Wide(hi: 0, lo: destination.lo) }
            if window.offset == 12 { return Wide(hi: 0, lo: source.lo) }
        }
        if window.source == .transport, window.offset == 2, window.length == 2, proto == 6 || proto == 17 {
            return Wide(hi: 0, lo: UInt64(destinationPort))
        }
        if window.source == .l4proto { return Wide(hi: 0, lo: UInt64(proto)) }
        var value = Wide.zero
        let start = Int(window.offset)
        for i in start..<start + Int(window.length) {
            guard let b = byte(window.source, i) else { return nil }
            value.shiftIn(b)
        }
        return value
    }

    /// `XT_CONNTRACK_STATE_*` bits: the ctinfo bit, plus SNAT/DNAT from the status (as the interpreter).
    var conntrackStateBits: UInt16 {
        if ctState & ConntrackState.untracked.rawValue != 0 { return 256 }
        var bits = UInt16(ctState & 0x0f)
        if ctStatus & ConntrackView.statusSourceNAT != 0 { bits |= 64 }
        if ctStatus & ConntrackView.statusDestinationNAT != 0 { bits |= 128 }
        return bits
    }
}

/// A 128-bit address value (IPv4 in the low 32 bits), with no heap storage.
public struct Wide128: Hashable, Sendable {
    public var hi: UInt64
    public var lo: UInt64

    public init(hi: UInt64, lo: UInt64) { self.hi = hi; self.lo = lo }

    public init(_ address: IPAddress) {
        switch address {
        case .v4(let value): self.init(hi: 0, lo: UInt64(value))
        case .v6(let high, let low): self.init(hi: high, lo: low)
        }
    }

    /// The address, given the family.
    public func address(ipv6: Bool) -> IPAddress { ipv6 ? .v6(high: hi, low: lo) : .v4(UInt32(truncatingIfNeeded: lo)) }

    func byte(_ i: Int) -> UInt8 {
        i < 8 ? UInt8(truncatingIfNeeded: hi >> (8 * UInt64(7 - i))) : UInt8(truncatingIfNeeded: lo >> (8 * UInt64(15 - i)))
    }
}

extension Wide {
    func byte(_ i: Int) -> UInt8 {
        i < 8 ? UInt8(truncatingIfNeeded: hi >> (8 * UInt64(7 - i))) : UInt8(truncatingIfNeeded: lo >> (8 * UInt64(15 - i)))
    }
}
