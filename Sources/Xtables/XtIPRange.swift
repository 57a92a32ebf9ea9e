import NetCore

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
