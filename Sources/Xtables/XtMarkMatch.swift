import NetCore

/// The `mark` and `connmark` matches: `(mark & mask) == value` on the packet or connection mark (both
/// revisions of both share these layouts).
///
/// Revision 1 of both is `{ __u32 mark, mask; __u8 invert; }` (`struct xt_mark_mtinfo1`,
/// `struct xt_connmark_mtinfo1`, 9 bytes, 12 padded). Revision 0 is `{ unsigned long mark, mask; __u8 invert; }`
/// (`struct xt_mark_info` / `xt_connmark_info`, LP64: 17 bytes, 24 padded); iptables prints it through the
/// same 32-bit formatter, so the upper halves are dropped as iptables drops them.
public struct XtMarkMatch: Hashable, Sendable {
    /// The value compared after masking.
    public var mark: UInt32
    /// The bits compared.
    public var mask: UInt32
    /// Negated with `!`.
    public var inverted: Bool

    /// Creates a value from its fields.
    public init(mark: UInt32, mask: UInt32, inverted: Bool) {
        self.mark = mark
        self.mask = mask
        self.inverted = inverted
    }

    static func decode(_ blob: XtBlob, revision: UInt8) throws(DecodeError) -> XtMarkMatch? {
        switch revision {
        case 0:
            try blob.require(17, "xt_mark_info")
            return XtMarkMatch(mark: UInt32(truncatingIfNeeded: try blob.u64(0)),
                               mask: UInt32(truncatingIfNeeded: try blob.u64(8)), inverted: try blob.u8(16) != 0)
        case 1:
            try blob.require(9, "xt_mark_mtinfo1")
            return XtMarkMatch(mark: try blob.u32(0), mask: try blob.u32(4), inverted: try blob.u8(8) != 0)
        default:
            return nil
        }
    }

    /// libxt_mark `mark_mt_save` / libxt_connmark `connmark_mt_save`.
    var arguments: [String] {
        (inverted ? ["!"] : []) + ["--mark", XtFormat.markMask(mark, mask)]
    }
}

/// The `CONNMARK` target: set, save or restore the connection mark.
///
/// Revision 1 is `struct xt_connmark_tginfo1 { __u32 ctmark, ctmask, nfmask; __u8 mode; }` (13 bytes, 16 padded),
/// revision 2 `struct xt_connmark_tginfo2 { __u32 ctmark, ctmask, nfmask; __u8 shift_dir, shift_bits, mode; }`
/// (15 bytes, 16 padded), from linux/netfilter/xt_connmark.h. Revision 0 (iptables' private `unsigned long`
/// struct) stays raw.
public struct XtConnmarkTarget: Hashable, Sendable {
    /// `XT_CONNMARK_SET` 0, `XT_CONNMARK_SAVE` 1, `XT_CONNMARK_RESTORE` 2.
    public var mode: UInt8
    /// The value for `--set-xmark` (`ctmark`).
    public var ctmark: UInt32
    /// The conntrack mark bits changed or saved (`ctmask`).
    public var ctmask: UInt32
    /// The packet mark bits saved or restored (`nfmask`).
    public var nfmask: UInt32
    /// `D_SHIFT_LEFT` 0 or `D_SHIFT_RIGHT` 1 (revision 2).
    public var shiftDirection: UInt8
    /// Bits to shift by (revision 2); 0 means no shift.
    public var shiftBits: UInt8

    /// Creates a value from its fields.
    public init(mode: UInt8, ctmark: UInt32, ctmask: UInt32, nfmask: UInt32, shiftDirection: UInt8 = 0,
                shiftBits: UInt8 = 0) {
        self.mode = mode
        self.ctmark = ctmark
        self.ctmask = ctmask
        self.nfmask = nfmask
        self.shiftDirection = shiftDirection
        self.shiftBits = shiftBits
    }

    static func decode(_ blob: XtBlob, revision: UInt8) throws(DecodeError) -> XtConnmarkTarget? {
        switch revision {
        case 1:
            try blob.require(13, "xt_connmark_tginfo1")
            return XtConnmarkTarget(mode: try blob.u8(12), ctmark: try blob.u32(0), ctmask: try blob.u32(4),
                                    nfmask: try blob.u32(8))
        case 2:
            try blob.require(15, "xt_connmark_tginfo2")
            return XtConnmarkTarget(mode: try blob.u8(14), ctmark: try blob.u32(0), ctmask: try blob.u32(4),
                                    nfmask: try blob.u32(8), shiftDirection: try blob.u8(12),
                                    shiftBits: try blob.u8(13))
        default:
            return nil
        }
    }

    /// libxt_CONNMARK `connmark_tg_save` / `connmark_tg_save_v2`.
    var arguments: [String] {
        var out: [String]
        switch mode {
        case 0: out = ["--set-xmark", "\(XtFormat.hex(ctmark))/\(XtFormat.hex(ctmask))"]
        case 1: out = ["--save-mark", "--nfmask", XtFormat.hex(nfmask), "--ctmask", XtFormat.hex(ctmask)]
        case 2: out = ["--restore-mark", "--nfmask", XtFormat.hex(nfmask), "--ctmask", XtFormat.hex(ctmask)]
        default: out = ["ERROR:", "UNKNOWN", "CONNMARK", "MODE"]
        }
        if mode <= 2, shiftBits != 0 {
            // iptables indexes its two-name table with shift_dir; other values are not printable there.
            let name = shiftDirection == 0 ? "left-shift-mark" : shiftDirection == 1 ? "right-shift-mark"
                                                                                     : "shift-dir-\(shiftDirection)"
            out += ["--\(name)", String(shiftBits)]
        }
        return out
    }
}
