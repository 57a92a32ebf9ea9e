import NetCore

/// The `icmp` (IPv4) and `icmp6` (IPv6) matches: `struct ipt_icmp` / `struct ip6t_icmp`
/// (linux/netfilter_ipv4/ip_tables.h, linux/netfilter_ipv6/ip6_tables.h), 4 bytes:
/// `__u8 type, code[2], invflags`.
public struct XtICMP: Hashable, Sendable {
    /// The ICMP type; 255 means any (IPv4).
    public var type: UInt8
    /// The lowest code matched.
    public var codeMin: UInt8
    /// The highest code matched.
    public var codeMax: UInt8
    /// Negated with `!`.
    public var inverted: Bool

    /// Creates a value from its fields.
    public init(type: UInt8, codeMin: UInt8, codeMax: UInt8, inverted: Bool) {
        self.type = type
        self.codeMin = codeMin
        self.codeMax = codeMax
        self.inverted = inverted
    }

    static func decode(_ blob: XtBlob) throws(DecodeError) -> XtICMP {
        try blob.require(4, "ipt_icmp")
        return XtICMP(type: try blob.u8(0), codeMin: try blob.u8(1), codeMax: try blob.u8(2),
                      inverted: try blob.u8(3) & 1 != 0)
    }

    /// libipt_icmp `icmp_save` (`--icmp-type`, with `any` for type 255) or libip6t_icmp6 `icmp6_save`
    /// (`--icmpv6-type`). A code is printed unless the range is the full 0-255.
    func arguments(v6: Bool) -> [String] {
        var out: [String] = inverted ? ["!"] : []
        if !v6, type == 0xFF { return out + ["--icmp-type", "any"] }
        let code = codeMin != 0 || codeMax != 0xFF ? "/\(codeMin)" : ""
        out += [v6 ? "--icmpv6-type" : "--icmp-type", "\(type)\(code)"]
        return out
    }
}
