import NetCore

/// The `MARK` target: sets the packet mark (kube-proxy's `KUBE-MARK-MASQ` sets `0x4000/0x4000`).
///
/// Revision 2 is `struct xt_mark_tginfo2 { __u32 mark, mask; }` (linux/netfilter/xt_mark.h): the kernel computes
/// `mark = (mark & ~mask) ^ value`. Revisions 0 and 1 are iptables' own `struct xt_mark_target_info { unsigned
/// long mark; }` and `_v1 { unsigned long mark; __u8 mode; }`, read with the 64-bit `long` of LP64 Linux.
public enum XtMarkTarget: Hashable, Sendable {
    /// Revision 2: `--set-xmark mark/mask`.
    case setXMark(mark: UInt32, mask: UInt32)
    /// Revision 0, or revision 1 mode `XT_MARK_SET`: `--set-mark`.
    case set(UInt64)
    /// Revision 1 mode `XT_MARK_AND`: `--and-mark`.
    case and(UInt64)
    /// Revision 1 mode `XT_MARK_OR`: `--or-mark`.
    case or(UInt64)
    /// Revision 1 with a mode number iptables does not know; it prints only the value.
    case unknownMode(UInt8, UInt64)

    static func decode(_ blob: XtBlob, revision: UInt8) throws(DecodeError) -> XtMarkTarget? {
        switch revision {
        case 0:
            try blob.require(8, "xt_mark_target_info")
            return .set(try blob.u64(0))
        case 1:
            try blob.require(9, "xt_mark_target_info_v1")
            let mark = try blob.u64(0)
            switch try blob.u8(8) {
            case 0: return .set(mark)
            case 1: return .and(mark)
            case 2: return .or(mark)
            case let mode: return .unknownMode(mode, mark)
            }
        case 2:
            try blob.require(8, "xt_mark_tginfo2")
            return .setXMark(mark: try blob.u32(0), mask: try blob.u32(4))
        default:
            return nil
        }
    }

    /// libxt_MARK `mark_tg_save`, `MARK_save_v1`, `MARK_save_v0`.
    var arguments: [String] {
        switch self {
        case .setXMark(let mark, let mask): return ["--set-xmark", "\(XtFormat.hex(mark))/\(XtFormat.hex(mask))"]
        case .set(let mark): return ["--set-mark", XtFormat.hex(mark)]
        case .and(let mark): return ["--and-mark", XtFormat.hex(mark)]
        case .or(let mark): return ["--or-mark", XtFormat.hex(mark)]
        case .unknownMode(_, let mark): return [XtFormat.hex(mark)]
        }
    }
}
