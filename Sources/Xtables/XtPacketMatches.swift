import NetCore

/// A `min:max` match on a packet field with an inversion flag: `tcpmss` (`struct xt_tcpmss_match_info`) and
/// `length` (`struct xt_length_info`), both `{ __u16 min, max; __u8 invert; }`, 5 bytes (8 padded).
public struct XtValueRange: Hashable, Sendable {
    /// The lowest value matched.
    public var min: UInt16
    /// The highest value matched.
    public var max: UInt16
    /// Negated with `!`.
    public var inverted: Bool

    /// Creates a value from its fields.
    public init(min: UInt16, max: UInt16, inverted: Bool) {
        self.min = min
        self.max = max
        self.inverted = inverted
    }

    static func decode(_ blob: XtBlob, _ structName: String) throws(DecodeError) -> XtValueRange {
        try blob.require(5, structName)
        return XtValueRange(min: try blob.u16(0), max: try blob.u16(2), inverted: try blob.u8(4) != 0)
    }

    /// libxt_tcpmss `tcpmss_save` / libxt_length `length_save`.
    func arguments(_ option: String) -> [String] {
        (inverted ? ["!"] : []) + [option, min == max ? "\(min)" : "\(min):\(max)"]
    }
}

/// The `ttl` (IPv4, `struct ipt_ttl_info`) and `hl` (IPv6, `struct ip6t_hl_info`) matches:
/// `{ __u8 mode, value; }`, mode 0 eq, 1 ne, 2 lt, 3 gt.
public struct XtHopLimit: Hashable, Sendable {
    /// The comparison: 0 eq, 1 ne, 2 lt, 3 gt.
    public var mode: UInt8
    /// The TTL or hop limit compared.
    public var value: UInt8

    /// Creates a value from its fields.
    public init(mode: UInt8, value: UInt8) {
        self.mode = mode
        self.value = value
    }

    static func decode(_ blob: XtBlob) throws(DecodeError) -> XtHopLimit {
        try blob.require(2, "ipt_ttl_info")
        return XtHopLimit(mode: try blob.u8(0), value: try blob.u8(1))
    }

    /// libipt_ttl `ttl_save` / libip6t_hl `hl_save`; an unknown mode prints only the value.
    func arguments(prefix: String) -> [String] {
        let op: [String] = switch mode {
        case 0: ["--\(prefix)-eq"]
        case 1: ["!", "--\(prefix)-eq"]
        case 2: ["--\(prefix)-lt"]
        case 3: ["--\(prefix)-gt"]
        default: []
        }
        return op + [String(value)]
    }
}

/// The `dscp` match: `struct xt_dscp_info { __u8 dscp, invert; }`.
public struct XtDSCP: Hashable, Sendable {
    /// The DSCP value (6 bits).
    public var dscp: UInt8
    /// Negated with `!`.
    public var inverted: Bool

    /// Creates a value from its fields.
    public init(dscp: UInt8, inverted: Bool) {
        self.dscp = dscp
        self.inverted = inverted
    }

    static func decode(_ blob: XtBlob) throws(DecodeError) -> XtDSCP {
        try blob.require(2, "xt_dscp_info")
        return XtDSCP(dscp: try blob.u8(0), inverted: try blob.u8(1) != 0)
    }

    /// libxt_dscp `dscp_save`: `--dscp 0x%02x`.
    var arguments: [String] { (inverted ? ["!"] : []) + ["--dscp", XtFormat.hex02(dscp)] }
}

/// The `mac` match: `struct xt_mac_info { unsigned char srcaddr[6]; int invert; }`, 12 bytes.
public struct XtMAC: Hashable, Sendable {
    /// Six bytes.
    public var source: [UInt8]
    /// Negated with `!`.
    public var inverted: Bool

    /// Creates a value from its fields.
    public init(source: [UInt8], inverted: Bool) {
        self.source = source
        self.inverted = inverted
    }

    static func decode(_ blob: XtBlob) throws(DecodeError) -> XtMAC {
        try blob.require(12, "xt_mac_info")
        return XtMAC(source: try blob.slice(0, 6), inverted: try blob.i32(8) != 0)
    }

    /// libxt_mac `mac_save` (`xtables_print_mac`: lower-case hex pairs).
    var arguments: [String] {
        (inverted ? ["!"] : []) + ["--mac-source", source.map { XtFormat.hex02($0, prefix: "") }.joined(separator: ":")]
    }
}

/// The `quota` match: `struct xt_quota_info { __u32 flags, pad; __aligned_u64 quota; ... }`, 16 bytes used.
public struct XtQuota: Hashable, Sendable {
    /// The remaining byte quota.
    public var quota: UInt64
    /// Negated with `!`.
    public var inverted: Bool

    /// Creates a value from its fields.
    public init(quota: UInt64, inverted: Bool) {
        self.quota = quota
        self.inverted = inverted
    }

    static func decode(_ blob: XtBlob) throws(DecodeError) -> XtQuota {
        try blob.require(16, "xt_quota_info")
        return XtQuota(quota: try blob.u64(8), inverted: try blob.u32(0) & 1 != 0)
    }

    /// libxt_quota `quota_save`.
    var arguments: [String] { (inverted ? ["!"] : []) + ["--quota", String(quota)] }
}

/// The `pkttype` match: `struct xt_pkttype_info { int pkttype; int invert; }` (linux/netfilter/xt_pkttype.h),
/// 8 bytes. `pkttype` is a `PACKET_*` value from linux/if_packet.h.
public struct XtPktType: Hashable, Sendable {
    /// The `PACKET_*` type: host 0, broadcast 1, multicast 2, otherhost 3.
    public var packetType: Int32
    /// Negated with `!`.
    public var inverted: Bool

    /// Creates a value from its fields.
    public init(packetType: Int32, inverted: Bool) {
        self.packetType = packetType
        self.inverted = inverted
    }

    static func decode(_ blob: XtBlob) throws(DecodeError) -> XtPktType {
        try blob.require(8, "xt_pkttype_info")
        return XtPktType(packetType: try blob.i32(0), inverted: try blob.i32(4) != 0)
    }

    /// libxt_pkttype `pkttype_save`: the first name for the value, else the number.
    var arguments: [String] {
        let names: [Int32: String] = [0: "unicast", 1: "broadcast", 2: "multicast", 3: "otherhost"]
        return (inverted ? ["!"] : []) + ["--pkt-type", names[packetType] ?? String(packetType)]
    }
}

extension XtFormat {
    /// `%02x` (or `0x%02x` with the default prefix).
    static func hex02(_ value: UInt8, prefix: String = "0x") -> String {
        let digits = String(value, radix: 16)
        return prefix + (digits.count < 2 ? "0" + digits : digits)
    }
}
