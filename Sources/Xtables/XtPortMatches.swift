import NetCore

/// The `tcp` match: `struct xt_tcp` (linux/netfilter/xt_tcpudp.h), 12 bytes: `__u16 spts[2], dpts[2];
/// __u8 option, flg_mask, flg_cmp, invflags`. iptables-nft turns plain port matches into native payload
/// expressions; the xt form appears in iptables-legacy and for options nft cannot express.
public struct XtTCP: Hashable, Sendable {
    /// `XT_TCP_INV_*`: source port 1, destination port 2, flags 4, option 8.
    public struct Inversions: OptionSet, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// `XT_TCP_INV_SRCPT`.
        public static let sourcePort = Inversions(rawValue: 0x01)
        /// `XT_TCP_INV_DSTPT`.
        public static let destinationPort = Inversions(rawValue: 0x02)
        /// `XT_TCP_INV_FLAGS`.
        public static let flags = Inversions(rawValue: 0x04)
        /// `XT_TCP_INV_OPTION`.
        public static let option = Inversions(rawValue: 0x08)
    }

    /// The source port range; 0:65535 means any.
    public var sourcePorts: XtPortRange
    /// The destination port range; 0:65535 means any.
    public var destinationPorts: XtPortRange
    /// `XT_TCP_INV_OPTION`.
    public var option: UInt8
    /// The TCP flags examined (`--tcp-flags MASK`).
    public var flagMask: UInt8
    /// The flags that must be set among them (`--tcp-flags ... COMP`).
    public var flagCompare: UInt8
    /// The criteria negated with `!`.
    public var inversions: Inversions

    static func decode(_ blob: XtBlob) throws(DecodeError) -> XtTCP {
        try blob.require(12, "xt_tcp")
        return XtTCP(sourcePorts: try XtPorts.range(blob, 0), destinationPorts: try XtPorts.range(blob, 4),
                     option: try blob.u8(8), flagMask: try blob.u8(9), flagCompare: try blob.u8(10),
                     inversions: Inversions(rawValue: try blob.u8(11)))
    }

    /// libxt_tcp `tcp_save`.
    var arguments: [String] {
        var out = XtPorts.arguments("--sport", sourcePorts, inversions.contains(.sourcePort))
            + XtPorts.arguments("--dport", destinationPorts, inversions.contains(.destinationPort))
        if option != 0 || inversions.contains(.option) {
            out += (inversions.contains(.option) ? ["!"] : []) + ["--tcp-option", String(option)]
        }
        if flagMask != 0 || inversions.contains(.flags) {
            out += (inversions.contains(.flags) ? ["!"] : [])
                + ["--tcp-flags", Self.flagNames(flagMask), Self.flagNames(flagCompare)]
        }
        return out
    }

    /// libxt_tcp `print_tcpf`: names in table order, `NONE` for zero (its `ALL` entry comes after the single
    /// flags, so it is never printed). iptables has no name for ECE/CWR (0x40, 0x80) and reads past its table;
    /// those bits print as hex here.
    static func flagNames(_ flags: UInt8) -> String {
        let table: [(UInt8, String)] = [(0x01, "FIN"), (0x02, "SYN"), (0x04, "RST"), (0x08, "PSH"), (0x10, "ACK"),
                                        (0x20, "URG")]
        if flags == 0 { return "NONE" }
        var names = table.filter { flags & $0.0 != 0 }.map(\.1)
        if flags & 0xC0 != 0 { names.append(String(format2x: flags & 0xC0)) }
        return names.joined(separator: ",")
    }
}

/// The `udp` match: `struct xt_udp` (linux/netfilter/xt_tcpudp.h), 10 bytes: `__u16 spts[2], dpts[2];
/// __u8 invflags`.
public struct XtUDP: Hashable, Sendable {
    /// The source port range; 0:65535 means any.
    public var sourcePorts: XtPortRange
    /// The destination port range; 0:65535 means any.
    public var destinationPorts: XtPortRange
    /// `! --sport` (`XT_UDP_INV_SRCPT`).
    public var invertSource: Bool
    /// `! --dport` (`XT_UDP_INV_DSTPT`).
    public var invertDestination: Bool

    static func decode(_ blob: XtBlob) throws(DecodeError) -> XtUDP {
        try blob.require(9, "xt_udp")
        let inversions = try blob.u8(8)
        return XtUDP(sourcePorts: try XtPorts.range(blob, 0), destinationPorts: try XtPorts.range(blob, 4),
                     invertSource: inversions & 1 != 0, invertDestination: inversions & 2 != 0)
    }

    /// libxt_udp `udp_save`.
    var arguments: [String] {
        XtPorts.arguments("--sport", sourcePorts, invertSource)
            + XtPorts.arguments("--dport", destinationPorts, invertDestination)
    }
}

/// A port range as tcp/udp keep it (`__u16 pts[2]`, host order). A reversed pair never matches in the
/// kernel but is accepted, so it is kept as is rather than as a `ClosedRange`.
public struct XtPortRange: Hashable, Sendable {
    /// The first port.
    public var low: UInt16
    /// The last port.
    public var high: UInt16
    /// Creates a range.
    public init(low: UInt16, high: UInt16) {
        self.low = low
        self.high = high
    }
}

enum XtPorts {
    static func range(_ blob: XtBlob, _ offset: Int) throws(DecodeError) -> XtPortRange {
        XtPortRange(low: try blob.u16(offset), high: try blob.u16(offset + 2))
    }

    /// `--dport 80` or `--dport 80:90`, nothing for the full range 0:65535, with `!` first when inverted.
    static func arguments(_ option: String, _ ports: XtPortRange, _ inverted: Bool) -> [String] {
        guard ports.low != 0 || ports.high != .max else { return [] }
        let text = ports.low == ports.high ? "\(ports.low)" : "\(ports.low):\(ports.high)"
        return (inverted ? ["!"] : []) + [option, text]
    }
}

extension String {
    /// `0x%02X`.
    init(format2x value: UInt8) {
        let digits = String(value, radix: 16, uppercase: true)
        self = "0x" + (digits.count < 2 ? "0" + digits : digits)
    }
}
