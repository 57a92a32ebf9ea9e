import NetCore

/// A decoded x_tables target: the payload of an nf_tables compat `target` expression or of an
/// iptables-legacy `xt_entry_target`, by name and revision.
///
/// Names and revisions this module does not know stay ``raw(_:)`` with their bytes. Switch over it with a
/// `default:` branch: cases are added as extensions are.
public enum XtTarget: Hashable, Sendable {
    /// `-j REJECT --reject-with ...`.
    case reject(XtReject)
    /// `-j DNAT --to-destination ...` (revisions 0, 1, 2).
    case dnat(XtNatRange)
    /// `-j SNAT --to-source ...` (revisions 0, 1, 2).
    case snat(XtNatRange)
    /// `-j MASQUERADE [--to-ports ...]`.
    case masquerade(XtNatRange)
    /// `-j REDIRECT [--to-ports ...]`.
    case redirect(XtNatRange)
    /// `-j MARK`.
    case mark(XtMarkTarget)
    /// Anything else, kept whole.
    case raw(XtExtension)
}

extension XtTarget {
    /// Decodes a target payload. Unknown names and revisions give ``raw(_:)``; a known name+revision whose info
    /// is too short throws a ``DecodeError`` with the path `xt.target.<name>.info`. Never traps.
    ///
    /// - Parameter family: the table family; it picks the NAT layout of `MASQUERADE`/`REDIRECT` revision 0, the
    ///   address width of `union nf_inet_addr` fields and the meaning of `REJECT` codes.
    public static func decode(_ ext: XtExtension, family: IPFamily) throws(DecodeError) -> XtTarget {
        let blob = XtBlob(ext, kind: "target")
        switch (ext.name, ext.revision) {
        case ("REJECT", 0):
            return .reject(try XtReject.decode(blob, family: family))
        case ("DNAT", _), ("SNAT", _), ("MASQUERADE", _), ("REDIRECT", _):
            guard let layout = XtNatRange.layout(target: ext.name, revision: ext.revision, family: family) else {
                return .raw(ext)
            }
            let range = try XtNatRange.decode(blob, layout: layout, family: family)
            switch ext.name {
            case "DNAT": return .dnat(range)
            case "SNAT": return .snat(range)
            case "MASQUERADE": return .masquerade(range)
            default: return .redirect(range)
            }
        case ("MARK", _):
            return try XtMarkTarget.decode(blob, revision: ext.revision).map(XtTarget.mark) ?? .raw(ext)
        default:
            return .raw(ext)
        }
    }

    /// The name iptables prints after `-j`.
    public var name: String {
        switch self {
        case .reject: return "REJECT"
        case .dnat: return "DNAT"
        case .snat: return "SNAT"
        case .masquerade: return "MASQUERADE"
        case .redirect: return "REDIRECT"
        case .mark: return "MARK"
        case .raw(let ext): return ext.name
        }
    }

    /// The arguments `iptables-save` (1.8.9) prints for this target, starting with `-j NAME`:
    /// `["-j", "DNAT", "--to-destination", "10.42.0.5:9090"]`. Join with spaces.
    ///
    /// A ``raw(_:)`` target renders as `["-j", NAME, "/* nfscope: raw rev R, N bytes */"]`.
    public func iptablesArguments(family: IPFamily) -> [String] {
        let options: [String]
        switch self {
        case .reject(let info): options = info.arguments
        case .dnat(let range): options = range.arguments(option: "--to-destination", skipColon: false)
        case .snat(let range): options = range.arguments(option: "--to-source", skipColon: false)
        case .masquerade(let range): options = range.arguments(option: "--to-ports", skipColon: true)
        case .redirect(let range): options = range.arguments(option: "--to-ports", skipColon: true)
        case .mark(let info): options = info.arguments
        case .raw(let ext): return ext.rawArguments(flag: "-j")
        }
        return ["-j", name] + options
    }
}
