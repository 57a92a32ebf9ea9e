import NetCore

/// The `CT` target (and `NOTRACK`, which iptables 1.8 writes as CT revision 2 with the notrack alias flag).
///
/// Mirrors `struct xt_ct_target_info` (revision 0: `__u16 flags, zone; __u32 ct_events, exp_events;
/// char helper[16];` 28 bytes used) and `struct xt_ct_target_info_v1` (revisions 1 and 2: the same plus
/// `char timeout[32]`, 60 bytes used) from linux/netfilter/xt_CT.h; a kernel pointer follows.
public struct XtCT: Hashable, Sendable {
    /// `XT_CT_*`: notrack 1, notrack alias 2, zone orig 4, zone reply 8, zone mark 0x10.
    public struct Flags: OptionSet, Hashable, Sendable {
        public var rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }
        /// `XT_CT_NOTRACK`: no connection tracking.
        public static let notrack = Flags(rawValue: 1 << 0)
        /// `XT_CT_NOTRACK_ALIAS`: written by `-j NOTRACK`.
        public static let notrackAlias = Flags(rawValue: 1 << 1)
        /// `XT_CT_ZONE_DIR_ORIG`: the zone applies to the original direction.
        public static let zoneOriginal = Flags(rawValue: 1 << 2)
        /// `XT_CT_ZONE_DIR_REPL`: the zone applies to the reply direction.
        public static let zoneReply = Flags(rawValue: 1 << 3)
        /// `XT_CT_ZONE_MARK`: the zone is taken from the packet mark.
        public static let zoneMark = Flags(rawValue: 1 << 4)
    }

    /// The structure revision (0, 1 or 2).
    public var revision: UInt8
    /// The `XT_CT_*` flags.
    public var flags: Flags
    /// The conntrack zone (`--zone`).
    public var zone: UInt16
    /// `1 << IPCT_*` bits.
    public var conntrackEvents: UInt32
    /// `1 << IPEXP_*` bits.
    public var expectationEvents: UInt32
    /// The helper name (`--helper`), empty for none.
    public var helper: String
    /// The timeout policy name (revisions 1 and 2).
    public var timeout: String

    /// Whether iptables prints this target as `NOTRACK` (revision 2 with the alias flag).
    public var isNotrackAlias: Bool { revision == 2 && flags.contains(.notrackAlias) }

    static func decode(_ blob: XtBlob, revision: UInt8) throws(DecodeError) -> XtCT? {
        guard revision <= 2 else { return nil }
        try blob.require(revision == 0 ? 28 : 60, revision == 0 ? "xt_ct_target_info" : "xt_ct_target_info_v1")
        return XtCT(revision: revision, flags: Flags(rawValue: try blob.u16(0)), zone: try blob.u16(2),
                    conntrackEvents: try blob.u32(4), expectationEvents: try blob.u32(8),
                    helper: try blob.string(12, 16), timeout: revision == 0 ? "" : try blob.string(28, 32))
    }

    static let eventNames = ["new", "related", "destroy", "reply", "assured", "protoinfo", "helper", "mark",
                             "natseqinfo", "secmark"]

    /// libxt_CT `ct_save` / `ct_save_v1`. A notrack alias prints nothing after its name.
    var arguments: [String] {
        if flags.contains(.notrackAlias) { return [] }
        var out: [String] = flags.contains(.notrack) ? ["--notrack"] : []
        if !helper.isEmpty { out += ["--helper", helper] }
        if !timeout.isEmpty { out += ["--timeout", timeout] }
        // ct_print_events prints " --ctevents " then the names, so an unnamed bit leaves an empty value.
        if conntrackEvents != 0 {
            let names = Self.eventNames.indices.filter { conntrackEvents & (1 << $0) != 0 }.map { Self.eventNames[$0] }
            out += ["--ctevents", names.joined(separator: ",")]
        }
        if expectationEvents != 0 { out += ["--expevents", expectationEvents & 1 != 0 ? "new" : ""] }
        if flags.contains(.zoneMark) || zone != 0 {
            let direction = flags.intersection([.zoneOriginal, .zoneReply])
            let suffix = direction == .zoneOriginal ? "-orig" : direction == .zoneReply ? "-reply" : ""
            out += ["--zone" + suffix, flags.contains(.zoneMark) ? "mark" : String(zone)]
        }
        return out
    }
}
