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
        public static let uid = Criteria(rawValue: 1 << 0)
        public static let gid = Criteria(rawValue: 1 << 1)
        public static let socketExists = Criteria(rawValue: 1 << 2)
        public static let supplementaryGroups = Criteria(rawValue: 1 << 3)
    }

    public var uidMin: UInt32
    public var uidMax: UInt32
    public var gidMin: UInt32
    public var gidMax: UInt32
    public var match: Criteria
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
