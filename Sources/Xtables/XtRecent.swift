import NetCore

/// The `recent` match: a named list of recently seen addresses (kube-proxy's ClientIP session affinity).
///
/// Mirrors `struct xt_recent_mtinfo` (revision 0, 211 bytes, 212 with padding: `__u32 seconds, hit_count;
/// __u8 check_set, invert; char name[200]; __u8 side`) and `struct xt_recent_mtinfo_v1` (revision 1, 228 bytes:
/// the same plus `union nf_inet_addr mask` at offset 212) from linux/netfilter/xt_recent.h.
public struct XtRecent: Hashable, Sendable {
    /// `check_set` bits (`XT_RECENT_*`).
    public struct Command: OptionSet, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// `XT_RECENT_CHECK`: `--rcheck`.
        public static let check = Command(rawValue: 1 << 0)
        /// `XT_RECENT_SET`: `--set`.
        public static let set = Command(rawValue: 1 << 1)
        /// `XT_RECENT_UPDATE`: `--update`.
        public static let update = Command(rawValue: 1 << 2)
        /// `XT_RECENT_REMOVE`: `--remove`.
        public static let remove = Command(rawValue: 1 << 3)
        /// `XT_RECENT_TTL`: `--rttl`.
        public static let ttl = Command(rawValue: 1 << 4)
        /// `XT_RECENT_REAP`: `--reap`.
        public static let reap = Command(rawValue: 1 << 5)
    }

    /// Only entries seen within this many seconds match (`--seconds`); 0 means any.
    public var seconds: UInt32
    /// Only entries seen at least this often match (`--hitcount`).
    public var hitCount: UInt32
    /// What the match does with the list.
    public var commands: Command
    /// Negated with `!`.
    public var inverted: Bool
    /// The list name (`/proc/net/xt_recent/<name>`).
    public var name: String
    /// `XT_RECENT_SOURCE` 0 (`--rsource`) or `XT_RECENT_DEST` 1 (`--rdest`).
    public var side: UInt8
    /// The address mask (revision 1); nil in revision 0.
    public var mask: IPAddress?

    /// Creates a value from its fields.
    public init(seconds: UInt32, hitCount: UInt32, commands: Command, inverted: Bool, name: String, side: UInt8,
                mask: IPAddress?) {
        self.seconds = seconds
        self.hitCount = hitCount
        self.commands = commands
        self.inverted = inverted
        self.name = name
        self.side = side
        self.mask = mask
    }

    static func decode(_ blob: XtBlob, revision: UInt8, family: IPFamily) throws(DecodeError) -> XtRecent? {
        guard revision <= 1 else { return nil }
        try blob.require(revision == 0 ? 211 : 228, revision == 0 ? "xt_recent_mtinfo" : "xt_recent_mtinfo_v1")
        return XtRecent(seconds: try blob.u32(0), hitCount: try blob.u32(4),
                        commands: Command(rawValue: try blob.u8(8)), inverted: try blob.u8(9) != 0,
                        name: try blob.string(10, 200), side: try blob.u8(210),
                        mask: revision == 0 ? nil : try blob.inetAddress(212, family: family))
    }

    /// libxt_recent `recent_save`.
    var arguments: [String] {
        var out: [String] = []
        out.reserveCapacity(12)
        if inverted { out.append("!") }
        if commands.contains(.set) { out.append("--set") }
        if commands.contains(.check) { out.append("--rcheck") }
        if commands.contains(.update) { out.append("--update") }
        if commands.contains(.remove) { out.append("--remove") }
        // Printed with %d: values above INT_MAX come out negative, as iptables shows them.
        if seconds != 0 { out += ["--seconds", String(Int32(bitPattern: seconds))] }
        if commands.contains(.reap) { out.append("--reap") }
        if hitCount != 0 { out += ["--hitcount", String(Int32(bitPattern: hitCount))] }
        if commands.contains(.ttl) { out.append("--rttl") }
        out += ["--name", name]
        if let mask { out += ["--mask", XtFormat.address(mask)] }
        if side == 0 { out.append("--rsource") }
        if side == 1 { out.append("--rdest") }
        return out
    }
}
