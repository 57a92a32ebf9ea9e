import NetCore

/// A decoded x_tables match: the payload of an nf_tables compat `match` expression or of an iptables-legacy
/// `xt_entry_match`, by name and revision.
///
/// Names and revisions this module does not know, and revisions of known names that it does not decode,
/// stay ``raw(_:)`` with their bytes. Switch over it with a `default:` branch: cases are added as extensions are.
public enum XtMatch: Hashable, Sendable {
    /// `-m comment --comment TEXT` (`struct xt_comment_info`, revision 0, 256 bytes).
    case comment(String)
    /// `-m statistic`.
    case statistic(XtStatistic)
    /// `-m addrtype`.
    case addrtype(XtAddrType)
    /// `-m conntrack`, or `-m state` when ``XtConntrack/isStateAlias``.
    case conntrack(XtConntrack)
    /// `-m state`, revision 0.
    case state(XtState)
    /// `-m recent`.
    case recent(XtRecent)
    /// Anything else, kept whole.
    case raw(XtExtension)
}

extension XtMatch {
    /// Decodes a match payload. Unknown names and revisions give ``raw(_:)``; a known name+revision whose info is
    /// too short throws a ``DecodeError`` with the path `xt.match.<name>.info`. Never traps.
    ///
    /// - Parameter family: the table family; it fixes the address layout of `union nf_inet_addr` fields and
    ///   the meaning of family-specific codes.
    public static func decode(_ ext: XtExtension, family: IPFamily) throws(DecodeError) -> XtMatch {
        let blob = XtBlob(ext, kind: "match")
        switch (ext.name, ext.revision) {
        case ("comment", 0):
            try blob.require(256, "xt_comment_info")
            // libxt_comment forces the last byte to NUL before printing.
            return .comment(try blob.string(0, 255))
        case ("statistic", 0):
            return .statistic(try XtStatistic.decode(blob))
        case ("addrtype", _):
            return try XtAddrType.decode(blob, revision: ext.revision).map(XtMatch.addrtype) ?? .raw(ext)
        case ("conntrack", _):
            return try XtConntrack.decode(blob, revision: ext.revision, family: family).map(XtMatch.conntrack)
                ?? .raw(ext)
        case ("state", 0):
            return .state(try XtState.decode(blob))
        case ("recent", _):
            return try XtRecent.decode(blob, revision: ext.revision, family: family).map(XtMatch.recent) ?? .raw(ext)
        default:
            return .raw(ext)
        }
    }

    /// The name iptables prints after `-m` (`state` for conntrack written by `-m state`).
    public var name: String {
        switch self {
        case .comment: return "comment"
        case .statistic: return "statistic"
        case .addrtype: return "addrtype"
        case .conntrack(let info): return info.isStateAlias ? "state" : "conntrack"
        case .state: return "state"
        case .recent: return "recent"
        case .raw(let ext): return ext.name
        }
    }

    /// The arguments `iptables-save` (1.8.9) prints for this match, starting with `-m NAME`:
    /// `["-m", "comment", "--comment", "\"kube-system/kube-dns:dns\""]`. Join with spaces.
    ///
    /// A ``raw(_:)`` match renders as `["-m", NAME, "/* nfscope: raw rev R, N bytes */"]`: the name iptables
    /// would print, and a note where its options would be.
    public func iptablesArguments(family: IPFamily) -> [String] {
        let options: [String]
        switch self {
        case .comment(let text): options = ["--comment", XtFormat.quoted(text)]
        case .statistic(let info): options = info.arguments
        case .addrtype(let info): options = info.arguments
        case .conntrack(let info): options = info.arguments
        case .state(let info): options = info.arguments
        case .recent(let info): options = info.arguments
        case .raw(let ext): return ext.rawArguments(flag: "-m")
        }
        return ["-m", name] + options
    }
}
