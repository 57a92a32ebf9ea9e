import NetCore

extension XtTarget {
    /// The name iptables prints after `-j` (`NOTRACK` for a CT notrack alias).
    public var name: String {
        switch self {
        case .reject: "REJECT"
        case .dnat: "DNAT"
        case .snat: "SNAT"
        case .masquerade: "MASQUERADE"
        case .redirect: "REDIRECT"
        case .netmap: "NETMAP"
        case .mark: "MARK"
        case .connmark: "CONNMARK"
        case .log: "LOG"
        case .nflog: "NFLOG"
        case .nfqueue: "NFQUEUE"
        case .ct(let info): info.isNotrackAlias ? "NOTRACK" : "CT"
        case .notrack: "NOTRACK"
        case .tproxy: "TPROXY"
        case .set: "SET"
        case .tcpmss: "TCPMSS"
        case .dscp: "DSCP"
        case .classify: "CLASSIFY"
        case .checksum: "CHECKSUM"
        case .trace: "TRACE"
        case .ttl: "TTL"
        case .hl: "HL"
        case .tos: "TOS"
        case .audit: "AUDIT"
        case .raw(let ext): ext.name
        }
    }

    /// The arguments `iptables-save` (1.8.9) prints for this target, starting with `-j NAME`:
    /// `["-j", "DNAT", "--to-destination", "10.42.0.5:9090"]`. Join with spaces.
    ///
    /// A ``raw(_:)`` target renders as `["-j", NAME, "/* nfscope: raw rev R, N bytes */"]`. A `SET` target
    /// renders its sets as `<ipset#INDEX>`; use ``iptablesArguments(family:ipsetNames:)`` to print names.
    public func iptablesArguments(family: IPFamily) -> [String] {
        iptablesArguments(family: family, ipsetNames: [:])
    }

    /// As ``iptablesArguments(family:)``, with the ipset names by index (see ``IPSetNameQuery``).
    public func iptablesArguments(family: IPFamily, ipsetNames: [UInt16: String]) -> [String] {
        if case .raw(let ext) = self { return ext.rawArguments(flag: "-j") }
        var out = ["-j", name]
        if case .set(let info) = self {
            out.append(contentsOf: info.arguments(ipsetNames: ipsetNames))
        } else {
            out.append(contentsOf: options)
        }
        return out
    }

    private var options: [String] {
        switch self {
        case .reject(let info): info.arguments
        case .dnat(let range): range.arguments(option: "--to-destination", skipColon: false)
        case .snat(let range): range.arguments(option: "--to-source", skipColon: false)
        case .masquerade(let range): range.arguments(option: "--to-ports", skipColon: true)
        case .redirect(let range): range.arguments(option: "--to-ports", skipColon: true)
        case .netmap(let range): range.netmapArguments
        case .mark(let info): info.arguments
        case .connmark(let info): info.arguments
        case .log(let info): info.arguments
        case .nflog(let info): info.arguments
        case .nfqueue(let info): info.arguments
        case .ct(let info): info.arguments
        case .tproxy(let info): info.arguments
        case .tcpmss(let mss): mss == 0xFFFF ? ["--clamp-mss-to-pmtu"] : ["--set-mss", String(mss)]
        case .dscp(let value): ["--set-dscp", XtFormat.hex02(value)]
        case .classify(let handle):
            // "%.4x:%.4x" of TC_H_MAJ >> 16 and TC_H_MIN.
            ["--set-class", "\(Self.hex4(UInt16(handle >> 16))):\(Self.hex4(UInt16(handle & 0xFFFF)))"]
        case .checksum(let operation): operation & 1 != 0 ? ["--checksum-fill"] : []
        case .ttl(let info): info.arguments(prefix: "ttl")
        case .hl(let info): info.arguments(prefix: "hl")
        case .tos(let info): info.arguments
        case .audit(let type): ["accept", "drop", "reject"][safe: type].map { ["--type", $0] } ?? []
        case .notrack, .trace, .set, .raw: []
        }
    }

    static func hex4(_ value: UInt16) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}
