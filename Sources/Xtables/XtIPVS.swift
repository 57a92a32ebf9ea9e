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

/// The `connlimit` match: the number of connections per address group. Mirrors `struct xt_connlimit_info`
/// (linux/netfilter/xt_connlimit.h): `union nf_inet_addr mask; unsigned int limit; __u32 flags;` (24 bytes
/// used; revision 0 has no flags).
public struct XtConnLimit: Hashable, Sendable {
    /// The grouping mask (`--connlimit-mask`).
    public var mask: IPAddress
    /// The connection count compared.
    public var limit: UInt32
    /// `XT_CONNLIMIT_INVERT` 1 (`--connlimit-upto`), `XT_CONNLIMIT_DADDR` 2 (`--connlimit-daddr`).
    public var flags: UInt32
    /// The structure revision (0 or 1).
    public var revision: UInt8

    static func decode(_ blob: XtBlob, revision: UInt8, family: IPFamily) throws(DecodeError) -> XtConnLimit? {
        guard revision <= 1 else { return nil }
        try blob.require(revision == 0 ? 20 : 24, "xt_connlimit_info")
        return XtConnLimit(mask: try blob.inetAddress(0, family: family), limit: try blob.u32(16),
                           flags: revision == 1 ? try blob.u32(20) : 0,
                           revision: revision)
    }

    /// libxt_connlimit `connlimit_save4` / `connlimit_save6`: the mask prints as the count of its leading
    /// one bits, word by word as `count_bits4/6` count them.
    var arguments: [String] {
        var out = [flags & 1 != 0 ? "--connlimit-upto" : "--connlimit-above", String(limit),
                   "--connlimit-mask", String(Self.leadingOnes(mask))]
        if revision >= 1 { out.append(flags & 2 != 0 ? "--connlimit-daddr" : "--connlimit-saddr") }
        return out
    }

    static func leadingOnes(_ mask: IPAddress) -> Int {
        switch mask {
        case .v4(let value):
            return (~value).leadingZeroBitCount
        case .v6(let high, let low):
            let words = [UInt32(truncatingIfNeeded: high >> 32), UInt32(truncatingIfNeeded: high),
                         UInt32(truncatingIfNeeded: low >> 32), UInt32(truncatingIfNeeded: low)]
            return 128 - words.map { 32 - (~$0).leadingZeroBitCount }.reduce(0, +)
        }
    }
}

/// The `esp` match and the IPv4 `ah` match: an SPI range. `struct xt_esp` / `struct ipt_ah`:
/// `{ __u32 spis[2]; __u8 invflags; }`, 9 bytes (12 padded).
public struct XtSPIRange: Hashable, Sendable {
    /// The first SPI matched.
    public var low: UInt32
    /// The last SPI matched.
    public var high: UInt32
    /// Negated with `!`.
    public var inverted: Bool

    static func decode(_ blob: XtBlob) throws(DecodeError) -> XtSPIRange {
        try blob.require(9, "xt_esp")
        return XtSPIRange(low: try blob.u32(0), high: try blob.u32(4), inverted: try blob.u8(8) & 1 != 0)
    }

    /// libxt_esp `esp_save` / libipt_ah `ah_save`.
    func arguments(_ option: String) -> [String] {
        guard low != 0 || high != .max else { return [] }
        return (inverted ? ["!"] : []) + [option, low == high ? "\(low)" : "\(low):\(high)"]
    }
}
