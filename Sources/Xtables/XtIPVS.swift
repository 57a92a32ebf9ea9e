import NetCore

/// The `ipvs` match: properties of IPVS-handled packets (kube-router and IPVS-mode proxies use
/// `-m ipvs --vdir ORIGINAL --vmethod MASQ`).
///
/// Mirrors `struct xt_ipvs_mtinfo` (linux/netfilter/xt_ipvs.h), 40 bytes: `union nf_inet_addr vaddr, vmask;
/// __be16 vport; __u8 l4proto, fwd_method; __be16 vportctl; __u8 invert, bitmask;`.
public struct XtIPVS: Hashable, Sendable {
    /// `XT_IPVS_*` bits for `bitmask` (present) and `invert`: property 1, proto 2, vaddr 4, vport 8, dir 0x10,
    /// method 0x20, vportctl 0x40.
    public var present: UInt8
    /// The bits negated with `!` (for the direction: REPLY).
    public var inverted: UInt8
    /// The virtual address (`--vaddr`).
    public var address: IPAddress
    /// Its mask.
    public var mask: IPAddress
    /// The virtual port (`--vport`).
    public var port: UInt16
    /// The virtual service protocol (`--vproto`).
    public var l4proto: UInt8
    /// `IP_VS_CONN_F_*` forwarding method: MASQ 0, TUNNEL 2, DROUTE 3.
    public var method: UInt8
    /// The control connection's port (`--vportctl`).
    public var controlPort: UInt16

    static func decode(_ blob: XtBlob, family: IPFamily) throws(DecodeError) -> XtIPVS {
        try blob.require(40, "xt_ipvs_mtinfo")
        return XtIPVS(present: try blob.u8(39), inverted: try blob.u8(38),
                      address: try blob.inetAddress(0, family: family), mask: try blob.inetAddress(16, family: family),
                      port: try blob.be16(32), l4proto: try blob.u8(34), method: try blob.u8(35),
                      controlPort: try blob.be16(36))
    }

    /// libxt_ipvs `ipvs_mt_dump(..., numeric: true, "--")`.
    var arguments: [String] {
        var out: [String] = []
        func item(_ bit: UInt8, _ words: [String]) {
            guard present & bit != 0 else { return }
            out += (inverted & bit != 0 ? ["!"] : []) + words
        }
        // --ipvs alone is printed only when it is the whole bitmask (every other option implies it).
        if present == 1 { out += (inverted & 1 != 0 ? ["!"] : []) + ["--ipvs"] }
        item(2, ["--vproto", String(l4proto)])
        item(4, ["--vaddr", XtFormat.address(address) + XtFormat.maskSuffix(mask)])
        item(8, ["--vport", String(port)])
        if present & 0x10 != 0 { out += ["--vdir", inverted & 0x10 != 0 ? "REPLY" : "ORIGINAL"] }
        let methods: [UInt8: String] = [3: "GATE", 2: "IPIP", 0: "MASQ"]
        item(0x20, ["--vmethod", methods[method] ?? "UNKNOWN"])
        item(0x40, ["--vportctl", String(controlPort)])
        return out
    }
}
