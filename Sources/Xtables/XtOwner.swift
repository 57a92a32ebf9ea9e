import NetCore

/// The `owner` match revision 1: the local socket's owner (Istio/Linkerd init containers exclude the proxy's
/// uid with `! --uid-owner 1337`).
///
/// Mirrors `struct xt_owner_match_info` (linux/netfilter/xt_owner.h), 18 bytes (24 padded):
/// `__u32 uid_min, uid_max, gid_min, gid_max; __u8 match, invert`.
public struct XtOwner: Hashable, Sendable {
    /// `XT_OWNER_*` bits, used for both `match` and `invert`.
    public struct Criteria: OptionSet, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// `XT_OWNER_UID`: `--uid-owner`.
        public static let uid = Criteria(rawValue: 1 << 0)
        /// `XT_OWNER_GID`: `--gid-owner`.
        public static let gid = Criteria(rawValue: 1 << 1)
        /// `XT_OWNER_SOCKET`: `--socket-exists`.
        public static let socketExists = Criteria(rawValue: 1 << 2)
        /// `XT_OWNER_SUPPL_GROUPS`: `--suppl-groups`.
        public static let supplementaryGroups = Criteria(rawValue: 1 << 3)
    }

    /// The first uid matched.
    public var uidMin: UInt32
    /// The last uid matched.
    public var uidMax: UInt32
    /// The first gid matched.
    public var gidMin: UInt32
    /// The last gid matched.
    public var gidMax: UInt32
    /// The criteria present.
    public var match: Criteria
    /// The criteria negated with `!`.
    public var invert: Criteria

    static func decode(_ blob: XtBlob) throws(DecodeError) -> XtOwner {
        try blob.require(18, "xt_owner_match_info")
        return XtOwner(uidMin: try blob.u32(0), uidMax: try blob.u32(4), gidMin: try blob.u32(8),
                       gidMax: try blob.u32(12), match: Criteria(rawValue: try blob.u8(16)),
                       invert: Criteria(rawValue: try blob.u8(17)))
    }

    /// libxt_owner `owner_mt_save` (numeric ids, as iptables-save prints them).
    var arguments: [String] {
        var out: [String] = []
        func item(_ bit: Criteria, _ label: String, _ value: [String]) {
            guard match.contains(bit) else { return }
            out += (invert.contains(bit) ? ["!"] : []) + [label] + value
        }
        func ids(_ low: UInt32, _ high: UInt32) -> [String] { [low == high ? "\(low)" : "\(low)-\(high)"] }
        item(.socketExists, "--socket-exists", [])
        item(.uid, "--uid-owner", ids(uidMin, uidMax))
        item(.gid, "--gid-owner", ids(gidMin, gidMax))
        item(.supplementaryGroups, "--suppl-groups", [])
        return out
    }
}
