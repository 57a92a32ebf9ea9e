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

/// The `iprange` match revision 1: `struct xt_iprange_mtinfo` (linux/netfilter/xt_iprange.h), 65 bytes (72
/// padded): `union nf_inet_addr src_min, src_max, dst_min, dst_max; __u8 flags`.
public struct XtIPRange: Hashable, Sendable {
    /// The source range (`--src-range`), if matched.
    public var source: ClosedRangeOfAddresses?
    /// The destination range (`--dst-range`), if matched.
    public var destination: ClosedRangeOfAddresses?
    /// `! --src-range` (`IPRANGE_SRC_INV`).
    public var invertSource: Bool
    /// `! --dst-range` (`IPRANGE_DST_INV`).
    public var invertDestination: Bool

    /// An address range as stored (first and last, not checked for order).
    public struct ClosedRangeOfAddresses: Hashable, Sendable {
        /// The first address of the range.
        public var first: IPAddress
        /// The last address of the range.
        public var last: IPAddress
        /// Creates a value from its fields.
        public init(first: IPAddress, last: IPAddress) {
            self.first = first
            self.last = last
        }
    }

    static func decode(_ blob: XtBlob, family: IPFamily) throws(DecodeError) -> XtIPRange {
        try blob.require(65, "xt_iprange_mtinfo")
        let flags = try blob.u8(64)
        func range(_ offset: Int) throws(DecodeError) -> ClosedRangeOfAddresses {
            ClosedRangeOfAddresses(first: try blob.inetAddress(offset, family: family),
                                   last: try blob.inetAddress(offset + 16, family: family))
        }
        return XtIPRange(source: flags & 1 != 0 ? try range(0) : nil,
                         destination: flags & 2 != 0 ? try range(32) : nil,
                         invertSource: flags & 0x10 != 0, invertDestination: flags & 0x20 != 0)
    }

    /// libxt_iprange `iprange_mt4_save` / `iprange_mt6_save`.
    var arguments: [String] {
        var out: [String] = []
        if let source {
            out += (invertSource ? ["!"] : [])
                + ["--src-range", "\(XtFormat.address(source.first))-\(XtFormat.address(source.last))"]
        }
        if let destination {
            out += (invertDestination ? ["!"] : [])
                + ["--dst-range", "\(XtFormat.address(destination.first))-\(XtFormat.address(destination.last))"]
        }
        return out
    }
}
