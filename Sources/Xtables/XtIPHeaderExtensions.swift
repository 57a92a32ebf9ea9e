import NetCore

/// The `tos` match: revision 0 `{ __u8 tos, invert; }` (iptables' `struct ipt_tos_info`), revision 1
/// `struct xt_tos_match_info { __u8 tos_mask, tos_value, invert; }` (linux/netfilter/xt_dscp.h).
public struct XtTOSMatch: Hashable, Sendable {
    /// The TOS value compared.
    public var value: UInt8
    /// The bits compared (revision 1); nil in revision 0.
    public var mask: UInt8?
    /// Negated with `!`.
    public var inverted: Bool

    static func decode(_ blob: XtBlob, revision: UInt8) throws(DecodeError) -> XtTOSMatch? {
        switch revision {
        case 0:
            try blob.require(2, "ipt_tos_info")
            return XtTOSMatch(value: try blob.u8(0), mask: nil, inverted: try blob.u8(1) != 0)
        case 1:
            try blob.require(3, "xt_tos_match_info")
            return XtTOSMatch(value: try blob.u8(1), mask: try blob.u8(0), inverted: try blob.u8(2) != 0)
        default:
            return nil
        }
    }

    /// libxt_tos `tos_mt_save_v0` / `tos_mt_save`.
    var arguments: [String] {
        let text = XtFormat.hex02(value) + (mask.map { "/" + XtFormat.hex02($0) } ?? "")
        return (inverted ? ["!"] : []) + ["--tos", text]
    }
}

/// The `TTL` (`struct ipt_TTL_info`) and `HL` (`struct ip6t_HL_info`), both `{ __u8 mode, value; }`
/// with mode set 0, inc 1, dec 2.
public struct XtHopLimitTarget: Hashable, Sendable {
    /// 0 set, 1 increment, 2 decrement.
    public var mode: UInt8
    /// The TTL / hop limit value or step.
    public var value: UInt8

    static func decode(_ blob: XtBlob) throws(DecodeError) -> XtHopLimitTarget {
        try blob.require(2, "ipt_TTL_info")
        return XtHopLimitTarget(mode: try blob.u8(0), value: try blob.u8(1))
    }

    /// libipt_TTL `TTL_save` / libip6t_HL `HL_save`; an unknown mode prints only the value.
    func arguments(prefix: String) -> [String] {
        let verb = ["set", "inc", "dec"][safe: mode].map { ["--\(prefix)-\($0)"] } ?? []
        return verb + [String(value)]
    }
}

/// The `TOS` target: revision 0 `{ __u8 tos; }` (iptables' `struct ipt_tos_target_info`), revision 1
/// `struct xt_tos_target_info { __u8 tos_value, tos_mask; }` (linux/netfilter/xt_DSCP.h).
public struct XtTOSTarget: Hashable, Sendable {
    /// The TOS bits to set.
    public var value: UInt8
    /// The bits changed (revision 1); nil in revision 0.
    public var mask: UInt8?

    static func decode(_ blob: XtBlob, revision: UInt8) throws(DecodeError) -> XtTOSTarget? {
        switch revision {
        case 0:
            try blob.require(1, "ipt_tos_target_info")
            return XtTOSTarget(value: try blob.u8(0), mask: nil)
        case 1:
            try blob.require(2, "xt_tos_target_info")
            return XtTOSTarget(value: try blob.u8(0), mask: try blob.u8(1))
        default:
            return nil
        }
    }

    /// libxt_TOS `tos_tg_save_v0` / `tos_tg_save`.
    var arguments: [String] {
        ["--set-tos", XtFormat.hex02(value) + (mask.map { "/" + XtFormat.hex02($0) } ?? "")]
    }
}
