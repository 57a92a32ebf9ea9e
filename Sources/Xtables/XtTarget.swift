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
    /// `-j NETMAP --to PREFIX`.
    case netmap(XtNatRange)
    /// `-j MARK`.
    case mark(XtMarkTarget)
    /// `-j CONNMARK`.
    case connmark(XtConnmarkTarget)
    /// `-j LOG`.
    case log(XtLog)
    /// `-j NFLOG`.
    case nflog(XtNFLog)
    /// `-j NFQUEUE`.
    case nfqueue(XtNFQueue)
    /// `-j CT`, or `-j NOTRACK` when ``XtCT/isNotrackAlias``.
    case ct(XtCT)
    /// `-j NOTRACK` as its own (old) target, revision 0, no info.
    case notrack
    /// `-j TPROXY`.
    case tproxy(XtTProxy)
    /// `-j SET` (ipset add/del/map).
    case set(XtSetTarget)
    /// `-j TCPMSS --set-mss N` or `--clamp-mss-to-pmtu` (`struct xt_tcpmss_info { __u16 mss; }`; 0xffff clamps).
    case tcpmss(UInt16)
    /// `-j DSCP --set-dscp` (`struct xt_DSCP_info { __u8 dscp; }`).
    case dscp(UInt8)
    /// `-j CLASSIFY --set-class` (`struct xt_classify_target_info { __u32 priority; }`, a tc handle).
    case classify(UInt32)
    /// `-j CHECKSUM` (`struct xt_CHECKSUM_info { __u8 operation; }`, fill 1).
    case checksum(UInt8)
    /// `-j TRACE` (no info).
    case trace
    /// `-j TTL` (IPv4).
    case ttl(XtHopLimitTarget)
    /// `-j HL` (IPv6).
    case hl(XtHopLimitTarget)
    /// `-j TOS`.
    case tos(XtTOSTarget)
    /// `-j AUDIT --type` (`struct xt_audit_info { __u8 type; }`: accept 0, drop 1, reject 2).
    case audit(UInt8)
    /// Anything else, kept whole.
    case raw(XtExtension)
}

extension XtTarget {
    /// Decodes a target payload. Unknown names and revisions give ``raw(_:)``; a known name+revision whose info
    /// is too short or inconsistent throws a ``DecodeError`` with the path `xt.target.<name>.info`. Never traps.
    ///
    /// - Parameter family: the table family; it picks the NAT layout of `MASQUERADE`/`REDIRECT` revision 0, the
    ///   address width of `union nf_inet_addr` fields and the meaning of `REJECT` codes.
    public static func decode(_ ext: XtExtension, family: IPFamily) throws(DecodeError) -> XtTarget {
        let blob = XtBlob(ext, kind: "target")
        let revision = ext.revision, first = ext.revision == 0
        let decoded: XtTarget?
        switch ext.name {
        case "REJECT": decoded = first ? .reject(try XtReject.decode(blob, family: family)) : nil
        case "DNAT", "SNAT", "MASQUERADE", "REDIRECT", "NETMAP": decoded = try decodeNAT(ext, blob, family: family)
        case "MARK": decoded = try XtMarkTarget.decode(blob, revision: revision).map(XtTarget.mark)
        case "CONNMARK": decoded = try XtConnmarkTarget.decode(blob, revision: revision).map(XtTarget.connmark)
        case "LOG": decoded = first ? .log(try XtLog.decode(blob)) : nil
        case "NFLOG": decoded = first ? .nflog(try XtNFLog.decode(blob)) : nil
        case "NFQUEUE": decoded = try XtNFQueue.decode(blob, revision: revision).map(XtTarget.nfqueue)
        case "CT": decoded = try XtCT.decode(blob, revision: revision).map(XtTarget.ct)
        case "NOTRACK": decoded = first ? .notrack : nil
        case "SET": decoded = try XtSetTarget.decode(blob, revision: revision).map(XtTarget.set)
        case "TPROXY": decoded = try XtTProxy.decode(blob, revision: revision, family: family).map(XtTarget.tproxy)
        case "TCPMSS" where first:
            try blob.require(2, "xt_tcpmss_info")
            decoded = .tcpmss(try blob.u16(0))
        case "DSCP" where first:
            try blob.require(1, "xt_DSCP_info")
            decoded = .dscp(try blob.u8(0))
        case "CLASSIFY" where first:
            try blob.require(4, "xt_classify_target_info")
            decoded = .classify(try blob.u32(0))
        case "CHECKSUM" where first:
            try blob.require(1, "xt_CHECKSUM_info")
            decoded = .checksum(try blob.u8(0))
        case "TRACE": decoded = first ? .trace : nil
        case "TTL" where first: decoded = .ttl(try XtHopLimitTarget.decode(blob))
        case "HL" where first: decoded = .hl(try XtHopLimitTarget.decode(blob))
        case "TOS": decoded = try XtTOSTarget.decode(blob, revision: revision).map(XtTarget.tos)
        case "AUDIT" where first:
            try blob.require(1, "xt_audit_info")
            decoded = .audit(try blob.u8(0))
        default: decoded = nil
        }
        return decoded ?? .raw(ext)
    }

    private static func decodeNAT(_ ext: XtExtension, _ blob: XtBlob,
                                  family: IPFamily) throws(DecodeError) -> XtTarget? {
        guard let layout = XtNatRange.layout(target: ext.name, revision: ext.revision, family: family) else {
            return nil
        }
        let range = try XtNatRange.decode(blob, layout: layout, family: family)
        switch ext.name {
        case "DNAT": return .dnat(range)
        case "SNAT": return .snat(range)
        case "MASQUERADE": return .masquerade(range)
        case "NETMAP": return .netmap(range)
        default: return .redirect(range)
        }
    }
}
