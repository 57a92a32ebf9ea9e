import NetCore

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

/// The `connbytes` match: `struct xt_connbytes_info { struct { __aligned_u64 from, to; } count; __u8 what,
/// direction; }` (linux/netfilter/xt_connbytes.h), 18 bytes (24 padded). A reversed range means `!`.
public struct XtConnBytes: Hashable, Sendable {
    /// The lower bound as stored.
    public var from: UInt64
    /// The upper bound as stored.
    public var to: UInt64
    /// `XT_CONNBYTES_*`: packets 0, bytes 1, avgpkt 2.
    public var what: UInt8
    /// `XT_CONNBYTES_DIR_*`: original 0, reply 1, both 2.
    public var direction: UInt8

    static func decode(_ blob: XtBlob) throws(DecodeError) -> XtConnBytes {
        try blob.require(18, "xt_connbytes_info")
        return XtConnBytes(from: try blob.u64(0), to: try blob.u64(8), what: try blob.u8(16),
                           direction: try blob.u8(17))
    }

    /// libxt_connbytes `connbytes_save`.
    var arguments: [String] {
        let inverted = from > to
        let low = inverted ? to : from, high = inverted ? from : to
        var out: [String] = inverted ? ["!"] : []
        out += ["--connbytes", high != 0 && high < .max ? "\(low):\(high)" : "\(low)"]
        out += ["--connbytes-mode", ["packets", "bytes", "avgpkt"][safe: what] ?? "unknown"]
        out += ["--connbytes-dir", ["original", "reply", "both"][safe: direction] ?? "unknown"]
        return out
    }
}

extension Array {
    /// The element at a small unsigned index, or nil.
    subscript(safe index: UInt8) -> Element? { Int(index) < count ? self[Int(index)] : nil }
}
