import NetCore

extension XtMatch {
    /// The name iptables prints after `-m` (`state` for conntrack written by `-m state`).
    public var name: String {
        switch self {
        case .comment: "comment"
        case .statistic: "statistic"
        case .addrtype: "addrtype"
        case .conntrack(let info): info.isStateAlias ? "state" : "conntrack"
        case .state: "state"
        case .multiport: "multiport"
        case .physdev: "physdev"
        case .set: "set"
        case .recent: "recent"
        case .mark: "mark"
        case .connmark: "connmark"
        case .tcp: "tcp"
        case .udp: "udp"
        case .icmp: "icmp"
        case .icmp6: "icmp6"
        case .iprange: "iprange"
        case .owner: "owner"
        case .limit: "limit"
        case .pkttype: "pkttype"
        case .policy: "policy"
        case .tcpmss: "tcpmss"
        case .length: "length"
        case .dscp: "dscp"
        case .ttl: "ttl"
        case .hl: "hl"
        case .mac: "mac"
        case .quota: "quota"
        case .helper: "helper"
        case .socket: "socket"
        case .devgroup: "devgroup"
        case .cgroup: "cgroup"
        case .rpfilter: "rpfilter"
        case .hashlimit: "hashlimit"
        case .sctp: "sctp"
        case .ipvs: "ipvs"
        case .connlimit: "connlimit"
        case .esp: "esp"
        case .ah: "ah"
        case .tos: "tos"
        case .connbytes: "connbytes"
        case .string: "string"
        case .raw(let ext): ext.name
        }
    }

    /// The arguments `iptables-save` (1.8.9) prints for this match, starting with `-m NAME`:
    /// `["-m", "comment", "--comment", "\"kube-system/kube-dns:dns\""]`. Join with spaces.
    ///
    /// A ``raw(_:)`` match renders as `["-m", NAME, "/* nfscope: raw rev R, N bytes */"]`: the name iptables
    /// would print, and a note where its options would be. An ipset match renders its set as `<ipset#INDEX>`;
    /// use ``iptablesArguments(family:ipsetNames:)`` to print names.
    public func iptablesArguments(family: IPFamily) -> [String] {
        iptablesArguments(family: family, ipsetNames: [:])
    }

    /// As ``iptablesArguments(family:)``, with the ipset names by index, which iptables-save asks the kernel for
    /// (`IP_SET_OP_GET_BYINDEX`) because the blob holds only the index.
    public func iptablesArguments(family: IPFamily, ipsetNames: [UInt16: String]) -> [String] {
        if case .raw(let ext) = self { return ext.rawArguments(flag: "-m") }
        if case .comment(let text) = self { return ["-m", "comment", "--comment", XtFormat.quoted(text)] }
        var out = ["-m", name]
        out.append(contentsOf: options(family: family, ipsetNames: ipsetNames))
        return out
    }

    private func options(family: IPFamily, ipsetNames: [UInt16: String]) -> [String] {
        switch self {
        case .comment(let text): ["--comment", XtFormat.quoted(text)]
        case .statistic(let info): info.arguments
        case .addrtype(let info): info.arguments
        case .conntrack(let info): info.arguments
        case .state(let info): info.arguments
        case .multiport(let info): info.arguments
        case .physdev(let info): info.arguments
        case .set(let info): info.arguments(ipsetNames: ipsetNames)
        case .recent(let info): info.arguments
        case .mark(let info), .connmark(let info): info.arguments
        case .tcp(let info): info.arguments
        case .udp(let info): info.arguments
        case .icmp(let info): info.arguments(v6: false)
        case .icmp6(let info): info.arguments(v6: true)
        case .iprange(let info): info.arguments
        case .owner(let info): info.arguments
        case .limit(let info): info.arguments
        case .pkttype(let info): info.arguments
        case .policy(let info): info.arguments
        case .tcpmss(let info): info.arguments("--mss")
        case .length(let info): info.arguments("--length")
        case .dscp(let info): info.arguments
        case .ttl(let info): info.arguments(prefix: "ttl")
        case .hl(let info): info.arguments(prefix: "hl")
        case .mac(let info): info.arguments
        case .quota(let info): info.arguments
        case .helper(let info): info.arguments
        case .socket(let info): info.arguments
        case .devgroup(let info): info.arguments
        case .cgroup(let info): info.arguments
        case .rpfilter(let info): info.arguments
        case .hashlimit(let info): info.arguments(family: family)
        case .sctp(let info): info.arguments
        case .ipvs(let info): info.arguments
        case .connlimit(let info): info.arguments
        case .esp(let info): info.arguments("--espspi")
        case .ah(let info): info.arguments("--ahspi")
        case .tos(let info): info.arguments
        case .connbytes(let info): info.arguments
        case .string(let info): info.arguments
        case .raw: []
        }
    }
}
