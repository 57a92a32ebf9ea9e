import NetCore

/// The `TPROXY` target: revision 0 `struct xt_tproxy_target_info { __u32 mark_mask, mark_value; __be32 laddr;
/// __be16 lport; }` (14 bytes, IPv4), revision 1 `_v1` with `union nf_inet_addr laddr` (26 bytes).
public struct XtTProxy: Hashable, Sendable {
    /// The mark to set (`--tproxy-mark value/mask`).
    public var markValue: UInt32
    /// The bits of the mark to change.
    public var markMask: UInt32
    /// The local address to redirect to (`--on-ip`); `0.0.0.0`/`::` means the incoming interface's.
    public var address: IPAddress
    /// The local port to redirect to (`--on-port`).
    public var port: UInt16

    static func decode(_ blob: XtBlob, revision: UInt8, family: IPFamily) throws(DecodeError) -> XtTProxy? {
        switch revision {
        case 0:
            try blob.require(14, "xt_tproxy_target_info")
            return XtTProxy(markValue: try blob.u32(4), markMask: try blob.u32(0), address: try blob.ipv4(8),
                            port: try blob.be16(12))
        case 1:
            try blob.require(26, "xt_tproxy_target_info_v1")
            return XtTProxy(markValue: try blob.u32(4), markMask: try blob.u32(0),
                            address: try blob.inetAddress(8, family: family), port: try blob.be16(24))
        default:
            return nil
        }
    }

    /// libxt_TPROXY `tproxy_tg_save` / `tproxy_tg_save4` / `tproxy_tg_save6`.
    var arguments: [String] {
        ["--on-port", String(port), "--on-ip", XtFormat.address(address),
         "--tproxy-mark", "\(XtFormat.hex(markValue))/\(XtFormat.hex(markMask))"]
    }
}
