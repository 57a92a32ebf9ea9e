import NetCore

/// The `helper` match: `struct xt_helper_info { int invert; char name[30]; }`, 34 bytes (36 padded).
public struct XtHelper: Hashable, Sendable {
    /// The helper name.
    public var name: String
    /// Negated with `!`.
    public var inverted: Bool

    /// Creates a value from its fields.
    public init(name: String, inverted: Bool) {
        self.name = name
        self.inverted = inverted
    }

    static func decode(_ blob: XtBlob) throws(DecodeError) -> XtHelper {
        try blob.require(34, "xt_helper_info")
        return XtHelper(name: try blob.string(4, 30), inverted: try blob.i32(0) != 0)
    }

    /// libxt_helper `helper_save`.
    var arguments: [String] { (inverted ? ["!"] : []) + ["--helper", XtFormat.quoted(name)] }
}

/// The `socket` match: revision 0 has no info; revisions 1-3 `{ __u8 flags; }` (`XT_SOCKET_TRANSPARENT` 1,
/// `XT_SOCKET_NOWILDCARD` 2, `XT_SOCKET_RESTORESKMARK` 4); each revision prints only the options it knows.
public struct XtSocket: Hashable, Sendable {
    /// The structure revision (0 to 3).
    public var revision: UInt8
    /// The `XT_SOCKET_*` / `XT_RPFILTER_*` flags.
    public var flags: UInt8

    /// Creates a value from its fields.
    public init(revision: UInt8, flags: UInt8) {
        self.revision = revision
        self.flags = flags
    }

    static func decode(_ blob: XtBlob, revision: UInt8) throws(DecodeError) -> XtSocket? {
        guard revision <= 3 else { return nil }
        if revision == 0 { return XtSocket(revision: 0, flags: 0) }
        try blob.require(1, "xt_socket_mtinfo\(revision)")
        return XtSocket(revision: revision, flags: try blob.u8(0))
    }

    /// libxt_socket `socket_mt_save` / `_v2` / `_v3`.
    var arguments: [String] {
        var out: [String] = []
        if revision >= 1, flags & 1 != 0 { out.append("--transparent") }
        if revision >= 2, flags & 2 != 0 { out.append("--nowildcard") }
        if revision >= 3, flags & 4 != 0 { out.append("--restore-skmark") }
        return out
    }
}

/// The `devgroup` match: `struct xt_devgroup_info { __u32 flags, src_group, src_mask, dst_group, dst_mask; }`.
public struct XtDevGroup: Hashable, Sendable {
    /// `XT_DEVGROUP_*`: match src 1, invert src 2, match dst 4, invert dst 8.
    public var flags: UInt32
    /// The input device group (`--src-group`).
    public var sourceGroup: UInt32
    /// The bits of it compared.
    public var sourceMask: UInt32
    /// The output device group (`--dst-group`).
    public var destinationGroup: UInt32
    /// The bits of it compared.
    public var destinationMask: UInt32

    static func decode(_ blob: XtBlob) throws(DecodeError) -> XtDevGroup {
        try blob.require(20, "xt_devgroup_info")
        return XtDevGroup(flags: try blob.u32(0), sourceGroup: try blob.u32(4), sourceMask: try blob.u32(8),
                          destinationGroup: try blob.u32(12), destinationMask: try blob.u32(16))
    }

    /// libxt_devgroup `devgroup_save`. It names groups from `/etc/iproute2/group`; only iproute2's own
    /// `0 default` entry is built in here, other groups print as numbers.
    var arguments: [String] {
        func value(_ group: UInt32, _ mask: UInt32) -> String {
            mask == .max && group == 0 ? "default" : XtFormat.markMask(group, mask)
        }
        var out: [String] = []
        if flags & 1 != 0 { out += (flags & 2 != 0 ? ["!"] : []) + ["--src-group", value(sourceGroup, sourceMask)] }
        if flags & 4 != 0 {
            out += (flags & 8 != 0 ? ["!"] : []) + ["--dst-group", value(destinationGroup, destinationMask)]
        }
        return out
    }
}

/// The `cgroup` match: revision 0 `{ __u32 id, invert; }`; revision 1 `{ __u8 has_path, has_classid,
/// invert_path, invert_classid; char path[4096]; __u32 classid; }`; revision 2 the same with `path[512]` and
/// `classid` sharing a union at offset 4 (linux/netfilter/xt_cgroup.h).
public struct XtCgroup: Hashable, Sendable {
    /// The cgroup v2 path (`--path`), if matched.
    public var path: String?
    /// The net_cls class id (`--cgroup`), if matched.
    public var classID: UInt32?
    /// `! --path`.
    public var invertPath: Bool
    /// `! --cgroup`.
    public var invertClassID: Bool

    static func decode(_ blob: XtBlob, revision: UInt8) throws(DecodeError) -> XtCgroup? {
        switch revision {
        case 0:
            try blob.require(8, "xt_cgroup_info_v0")
            return XtCgroup(path: nil, classID: try blob.u32(0), invertPath: false, invertClassID: try blob.u32(4) != 0)
        case 1, 2:
            let pathLength = revision == 1 ? 4096 : 512
            try blob.require(revision == 1 ? 4104 : 516, "xt_cgroup_info_v\(revision)")
            let classOffset = revision == 1 ? 4100 : 4
            return XtCgroup(path: try blob.u8(0) != 0 ? try blob.string(4, pathLength) : nil,
                            classID: try blob.u8(1) != 0 ? try blob.u32(classOffset) : nil,
                            invertPath: try blob.u8(2) != 0, invertClassID: try blob.u8(3) != 0)
        default:
            return nil
        }
    }

    /// libxt_cgroup `cgroup_save_v0` / `_v1` / `_v2`.
    var arguments: [String] {
        var out: [String] = []
        if let path { out += (invertPath ? ["!"] : []) + ["--path", XtFormat.quoted(path)] }
        if let classID { out += (invertClassID ? ["!"] : []) + ["--cgroup", String(classID)] }
        return out
    }
}

/// The `rpfilter` match: `struct xt_rpfilter_info { __u8 flags; }` (`XT_RPFILTER_LOOSE` 1, `VALID_MARK` 2,
/// `ACCEPT_LOCAL` 4, `INVERT` 8). Calico uses it for reverse-path checks.
public struct XtRPFilter: Hashable, Sendable {
    /// The `XT_SOCKET_*` / `XT_RPFILTER_*` flags.
    public var flags: UInt8

    /// Creates a value from its fields.
    public init(flags: UInt8) { self.flags = flags }

    static func decode(_ blob: XtBlob) throws(DecodeError) -> XtRPFilter {
        try blob.require(1, "xt_rpfilter_info")
        return XtRPFilter(flags: try blob.u8(0))
    }

    /// libxt_rpfilter `rpfilter_save`.
    var arguments: [String] {
        [(1, "--loose"), (2, "--validmark"), (4, "--accept-local"), (8, "--invert")]
            .filter { flags & $0.0 != 0 }.map(\.1)
    }
}
