import NetCore

/// The `SET` target: add the packet's addresses to an ipset, delete them, or map skb fields from it.
///
/// Layouts (linux/netfilter/xt_set.h): revision 0 two `struct xt_set_info_v0` (64 bytes); revision 1 two
/// `struct xt_set_info` (8 bytes); revision 2 adds `__u32 flags, timeout` (16 bytes); revision 3 a third set
/// (`map_set`) before them (20 bytes). An index of `IPSET_INVALID_ID` (65535) means no set.
public struct XtSetTarget: Hashable, Sendable {
    /// A set and the directions of its dimensions.
    public struct Reference: Hashable, Sendable {
        /// The set index (`ip_set_id_t`).
        public var index: UInt16
        /// One direction per dimension.
        public var directions: [XtSetMatch.Direction]
        /// Creates a reference.
        public init(index: UInt16, directions: [XtSetMatch.Direction]) {
            self.index = index
            self.directions = directions
        }
    }

    /// The set to add to (`--add-set`).
    public var add: Reference?
    /// The set to delete from (`--del-set`).
    public var delete: Reference?
    /// The set to map skb fields from (`--map-set`, revision 3).
    public var map: Reference?
    /// `IPSET_FLAG_*` (revisions 2 and 3): exist 1, map mark 0x100, map prio 0x200, map queue 0x400.
    public var flags: UInt32
    /// Entry timeout (revisions 2 and 3); `UInt32.max` means none.
    public var timeout: UInt32

    static func decode(_ blob: XtBlob, revision: UInt8) throws(DecodeError) -> XtSetTarget? {
        switch revision {
        case 0:
            try blob.require(64, "xt_set_info_target_v0")
            return XtSetTarget(add: try v0Reference(blob, 0), delete: try v0Reference(blob, 32), map: nil,
                               flags: 0, timeout: .max)
        case 1, 2, 3:
            let size = [8, 16, 20][Int(revision) - 1]
            try blob.require(size, "xt_set_info_target_v\(revision)")
            let tail = revision == 3 ? 12 : 8
            return XtSetTarget(add: try reference(blob, 0), delete: try reference(blob, 4),
                               map: revision == 3 ? try reference(blob, 8) : nil,
                               flags: revision >= 2 ? try blob.u32(tail) : 0,
                               timeout: revision >= 2 ? try blob.u32(tail + 4) : .max)
        default:
            return nil
        }
    }

    private static func reference(_ blob: XtBlob, _ offset: Int) throws(DecodeError) -> Reference? {
        let info = try XtSetMatch.decodeSetInfo(blob, at: offset, revision: 1)
        return info.index == 0xFFFF ? nil : Reference(index: info.index, directions: info.directions)
    }

    private static func v0Reference(_ blob: XtBlob, _ offset: Int) throws(DecodeError) -> Reference? {
        let index = try blob.u16(offset)
        guard index != 0xFFFF else { return nil }
        var directions: [XtSetMatch.Direction] = []
        for slot in 0..<6 {
            let flags = try blob.u32(offset + 4 + 4 * slot)
            if flags == 0 { break }
            directions.append(flags & 1 != 0 ? .src : .dst)
        }
        return Reference(index: index, directions: directions)
    }

    /// libxt_SET `set_target_save_v0` ... `set_target_save_v3`.
    func arguments(ipsetNames: [UInt16: String]) -> [String] {
        func set(_ option: String, _ reference: Reference?) -> [String] {
            guard let reference else { return [] }
            let dirs = reference.directions.map(\.rawValue).joined(separator: ",")
            return [option, XtSetMatch.setName(reference.index, ipsetNames)] + (dirs.isEmpty ? [] : [dirs])
        }
        var out = set("--add-set", add)
        if flags & 1 != 0 { out.append("--exist") }
        if timeout != .max { out += ["--timeout", String(timeout)] }
        out += set("--del-set", delete) + set("--map-set", map)
        if flags & 0x100 != 0 { out.append("--map-mark") }
        if flags & 0x200 != 0 { out.append("--map-prio") }
        if flags & 0x400 != 0 { out.append("--map-queue") }
        return out
    }
}
