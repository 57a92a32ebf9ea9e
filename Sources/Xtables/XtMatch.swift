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
    /// `-m multiport`.
    case multiport(XtMultiport)
    /// `-m physdev`.
    case physdev(XtPhysdev)
    /// `-m set` (ipset).
    case set(XtSetMatch)
    /// `-m recent`.
    case recent(XtRecent)
    /// `-m mark`.
    case mark(XtMarkMatch)
    /// `-m connmark`.
    case connmark(XtMarkMatch)
    /// `-m tcp`.
    case tcp(XtTCP)
    /// `-m udp`.
    case udp(XtUDP)
    /// `-m icmp` (IPv4).
    case icmp(XtICMP)
    /// `-m icmp6` (IPv6).
    case icmp6(XtICMP)
    /// `-m iprange`.
    case iprange(XtIPRange)
    /// `-m owner`.
    case owner(XtOwner)
    /// `-m limit`.
    case limit(XtLimit)
    /// `-m pkttype`.
    case pkttype(XtPktType)
    /// `-m policy`.
    case policy(XtPolicy)
    /// `-m tcpmss --mss`.
    case tcpmss(XtValueRange)
    /// `-m length --length`.
    case length(XtValueRange)
    /// `-m dscp`.
    case dscp(XtDSCP)
    /// `-m ttl` (IPv4).
    case ttl(XtHopLimit)
    /// `-m hl` (IPv6).
    case hl(XtHopLimit)
    /// `-m mac`.
    case mac(XtMAC)
    /// `-m quota`.
    case quota(XtQuota)
    /// `-m helper`.
    case helper(XtHelper)
    /// `-m socket`.
    case socket(XtSocket)
    /// `-m devgroup`.
    case devgroup(XtDevGroup)
    /// `-m cgroup`.
    case cgroup(XtCgroup)
    /// `-m rpfilter`.
    case rpfilter(XtRPFilter)
    /// `-m hashlimit`.
    case hashlimit(XtHashLimit)
    /// `-m sctp`.
    case sctp(XtSCTP)
    /// `-m ipvs`.
    case ipvs(XtIPVS)
    /// `-m connlimit`.
    case connlimit(XtConnLimit)
    /// `-m esp`.
    case esp(XtSPIRange)
    /// `-m ah` (IPv4; the IPv6 `ah` match has another layout and stays raw).
    case ah(XtSPIRange)
    /// `-m tos`.
    case tos(XtTOSMatch)
    /// `-m connbytes`.
    case connbytes(XtConnBytes)
    /// `-m string`.
    case string(XtString)
    /// Anything else, kept whole.
    case raw(XtExtension)
}

extension XtMatch {
    /// Decodes a match payload. Unknown names and revisions give ``raw(_:)``; a known name+revision whose info is
    /// too short or inconsistent throws a ``DecodeError`` with the path `xt.match.<name>.info`. Never traps.
    ///
    /// - Parameter family: the table family; it fixes the address layout of `union nf_inet_addr` fields and
    ///   the meaning of family-specific codes.
    public static func decode(_ ext: XtExtension, family: IPFamily) throws(DecodeError) -> XtMatch {
        let blob = XtBlob(ext, kind: "match")
        let revision = ext.revision
        let decoded: XtMatch?
        switch ext.name {
        case "comment":
            guard revision == 0 else { return .raw(ext) }
            try blob.require(256, "xt_comment_info")
            // libxt_comment forces the last byte to NUL before printing.
            decoded = .comment(try blob.string(0, 255))
        case "statistic": decoded = revision == 0 ? .statistic(try XtStatistic.decode(blob)) : nil
        case "addrtype": decoded = try XtAddrType.decode(blob, revision: revision).map(XtMatch.addrtype)
        case "conntrack":
            decoded = try XtConntrack.decode(blob, revision: revision, family: family).map(XtMatch.conntrack)
        case "state": decoded = revision == 0 ? .state(try XtState.decode(blob)) : nil
        case "multiport": decoded = try XtMultiport.decode(blob, revision: revision).map(XtMatch.multiport)
        case "physdev": decoded = revision == 0 ? .physdev(try XtPhysdev.decode(blob)) : nil
        case "set": decoded = try XtSetMatch.decode(blob, revision: revision).map(XtMatch.set)
        case "recent": decoded = try XtRecent.decode(blob, revision: revision, family: family).map(XtMatch.recent)
        case "mark": decoded = try XtMarkMatch.decode(blob, revision: revision).map(XtMatch.mark)
        case "connmark": decoded = try XtMarkMatch.decode(blob, revision: revision).map(XtMatch.connmark)
        default: decoded = try decodeMore(ext, blob, family: family)
        }
        return decoded ?? .raw(ext)
    }

    private static func decodeMore(_ ext: XtExtension, _ blob: XtBlob,
                                   family: IPFamily) throws(DecodeError) -> XtMatch? {
        let first = ext.revision == 0
        switch ext.name {
        case "tcp": return first ? .tcp(try XtTCP.decode(blob)) : nil
        case "udp": return first ? .udp(try XtUDP.decode(blob)) : nil
        case "icmp": return first ? .icmp(try XtICMP.decode(blob)) : nil
        case "icmp6": return first ? .icmp6(try XtICMP.decode(blob)) : nil
        case "iprange": return ext.revision == 1 ? .iprange(try XtIPRange.decode(blob, family: family)) : nil
        case "owner": return ext.revision == 1 ? .owner(try XtOwner.decode(blob)) : nil
        case "limit": return first ? .limit(try XtLimit.decode(blob)) : nil
        case "pkttype": return first ? .pkttype(try XtPktType.decode(blob)) : nil
        case "policy": return first ? .policy(try XtPolicy.decode(blob, family: family)) : nil
        case "tcpmss": return first ? .tcpmss(try XtValueRange.decode(blob, "xt_tcpmss_match_info")) : nil
        case "length": return first ? .length(try XtValueRange.decode(blob, "xt_length_info")) : nil
        case "dscp": return first ? .dscp(try XtDSCP.decode(blob)) : nil
        case "ttl": return first ? .ttl(try XtHopLimit.decode(blob)) : nil
        case "hl": return first ? .hl(try XtHopLimit.decode(blob)) : nil
        case "mac": return first ? .mac(try XtMAC.decode(blob)) : nil
        case "quota": return first ? .quota(try XtQuota.decode(blob)) : nil
        case "helper": return first ? .helper(try XtHelper.decode(blob)) : nil
        case "socket": return try XtSocket.decode(blob, revision: ext.revision).map(XtMatch.socket)
        case "devgroup": return first ? .devgroup(try XtDevGroup.decode(blob)) : nil
        case "cgroup": return try XtCgroup.decode(blob, revision: ext.revision).map(XtMatch.cgroup)
        case "rpfilter": return first ? .rpfilter(try XtRPFilter.decode(blob)) : nil
        case "ipvs": return first ? .ipvs(try XtIPVS.decode(blob, family: family)) : nil
        case "connlimit":
            return try XtConnLimit.decode(blob, revision: ext.revision, family: family).map(XtMatch.connlimit)
        case "esp": return first ? .esp(try XtSPIRange.decode(blob)) : nil
        case "ah": return first && family == .ipv4 ? .ah(try XtSPIRange.decode(blob)) : nil
        case "tos": return try XtTOSMatch.decode(blob, revision: ext.revision).map(XtMatch.tos)
        case "string": return try XtString.decode(blob, revision: ext.revision).map(XtMatch.string)
        case "connbytes": return first ? .connbytes(try XtConnBytes.decode(blob)) : nil
        case "sctp": return first ? .sctp(try XtSCTP.decode(blob)) : nil
        case "hashlimit": return try XtHashLimit.decode(blob, revision: ext.revision).map(XtMatch.hashlimit)
        default: return nil
        }
    }
}
