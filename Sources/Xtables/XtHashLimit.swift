import NetCore

/// The `hashlimit` match: a token bucket per hashed flow (`--hashlimit-upto 50/sec --hashlimit-mode srcip`).
///
/// Mirrors `struct xt_hashlimit_mtinfo1/2/3` (linux/netfilter/xt_hashlimit.h): revision 1 `char name[16]`
/// then `struct hashlimit_cfg1` (32-bit avg and burst, rates in 1/10000 s); revision 2 `char name[255]` then
/// `struct hashlimit_cfg2` (64-bit, in 1/1000000 s) at offset 256; revision 3 adds `interval`. Revision 0
/// stays raw.
public struct XtHashLimit: Hashable, Sendable {
    /// `XT_HASHLIMIT_*` mode bits: hash dst ip 1, dst port 2, src ip 4, src port 8, invert 0x10, bytes 0x20,
    /// rate match 0x40.
    public var mode: UInt32
    /// Interval between packets in the revision's scale, or a byte cost with the bytes bit.
    public var average: UInt64
    /// The bucket size in packets (or a byte multiplier).
    public var burst: UInt64
    /// The hash table name (`--hashlimit-name`).
    public var name: String
    /// `--hashlimit-htable-size`; 0 for the default.
    public var size: UInt32
    /// `--hashlimit-htable-max`; 0 for the default.
    public var max: UInt32
    /// `--hashlimit-htable-gcinterval` in ms (default 1000).
    public var gcInterval: UInt32
    /// `--hashlimit-htable-expire` in ms.
    public var expire: UInt32
    /// `--hashlimit-rate-interval` in seconds (revision 3).
    public var interval: UInt32
    /// `--hashlimit-srcmask` prefix length.
    public var sourceMask: UInt8
    /// `--hashlimit-dstmask` prefix length.
    public var destinationMask: UInt8
    /// The structure revision (1 to 3); it fixes the rate scale.
    public var revision: UInt8

    static func decode(_ blob: XtBlob, revision: UInt8) throws(DecodeError) -> XtHashLimit? {
        switch revision {
        case 1:
            try blob.require(46, "xt_hashlimit_mtinfo1")
            return XtHashLimit(mode: try blob.u32(16), average: UInt64(try blob.u32(20)),
                               burst: UInt64(try blob.u32(24)), name: try blob.string(0, 16), size: try blob.u32(28),
                               max: try blob.u32(32), gcInterval: try blob.u32(36), expire: try blob.u32(40),
                               interval: 0, sourceMask: try blob.u8(44), destinationMask: try blob.u8(45), revision: 1)
        case 2, 3:
            let masks = revision == 2 ? 292 : 296
            try blob.require(masks + 2, "xt_hashlimit_mtinfo\(revision)")
            return XtHashLimit(mode: try blob.u32(272), average: try blob.u64(256), burst: try blob.u64(264),
                               name: try blob.string(0, 255), size: try blob.u32(276), max: try blob.u32(280),
                               gcInterval: try blob.u32(284), expire: try blob.u32(288),
                               interval: revision == 3 ? try blob.u32(292) : 0, sourceMask: try blob.u8(masks),
                               destinationMask: try blob.u8(masks + 1), revision: revision)
        default:
            return nil
        }
    }

    /// libxt_hashlimit `hashlimit_mt_save(cfg, name, dmask, revision)`.
    func arguments(family: IPFamily) -> [String] {
        var out = [mode & 0x10 != 0 ? "--hashlimit-above" : "--hashlimit-upto"]
        let quantum: UInt64
        if mode & 0x20 != 0 {
            let (words, expireMs) = Self.bytes(average, burst)
            out += words
            quantum = expireMs
        } else {
            let (rate, expireMs) = Self.rate(average, revision: revision)
            out += [rate, "--hashlimit-burst", String(burst)]
            quantum = expireMs
        }
        let hashed: [(UInt32, String)] = [(4, "srcip"), (8, "srcport"), (1, "dstip"), (2, "dstport")]
        if mode & 0xF != 0 {
            out += ["--hashlimit-mode", hashed.filter { mode & $0.0 != 0 }.map(\.1).joined(separator: ",")]
        }
        out += ["--hashlimit-name", name]
        if size != 0 { out += ["--hashlimit-htable-size", String(size)] }
        if max != 0 { out += ["--hashlimit-htable-max", String(max)] }
        if gcInterval != 1000 { out += ["--hashlimit-htable-gcinterval", String(gcInterval)] }
        if UInt64(expire) != quantum { out += ["--hashlimit-htable-expire", String(expire)] }
        let fullMask: UInt8 = family == .ipv4 ? 32 : 128
        if sourceMask != fullMask { out += ["--hashlimit-srcmask", String(sourceMask)] }
        if destinationMask != fullMask { out += ["--hashlimit-dstmask", String(destinationMask)] }
        if revision == 3, mode & 0x40 != 0 {
            out.append("--hashlimit-rate-match")
            if interval != 1 { out += ["--hashlimit-rate-interval", String(interval)] }
        }
        return out
    }

    /// libxt_hashlimit `print_rate`: the rate text and the default expiry (the unit's length in ms).
    static func rate(_ period: UInt64, revision: UInt8) -> (String, UInt64) {
        let scale: UInt64 = revision == 1 ? 10_000 : 1_000_000
        guard period != 0 else { return ("inf", 0) }
        let units: [(UInt64, String)] = [(scale * 86_400, "day"), (scale * 3_600, "hour"), (scale * 60, "min"),
                                         (scale, "sec")]
        var chosen = units.count - 1
        for index in 1..<units.count {
            let mult = units[index].0
            if period > mult || mult / period < mult % period {
                chosen = index - 1
                break
            }
        }
        return ("\(units[chosen].0 / period)/\(units[chosen].1)", units[chosen].0 / scale * 1000)
    }

    /// libxt_hashlimit `print_bytes`: `--hashlimit-upto 512kb/s --hashlimit-burst 1mb` and the default expiry.
    static func bytes(_ cost: UInt64, _ burst: UInt64) -> ([String], UInt64) {
        let units: [(UInt64, String)] = [(1 << 20, "m"), (1 << 10, "k"), (1, "")]
        // cost_to_bytes and bytes_to_cost, with C's unsigned wrap-around.
        let perCost: UInt64 = cost != 0 ? UInt64(UInt32.max) / cost : UInt64(UInt32.max)
        var bytes = (perCost &- 1) << 4
        func costOf(_ value: UInt64) -> UInt64 {
            let scaled = UInt32(truncatingIfNeeded: value >> 4)
            return UInt64(UInt32.max / (scaled == .max ? scaled : scaled + 1))
        }
        var index = 0
        while index < units.count - 1 {
            let threshold = units[index].0
            if bytes >= threshold, costOf(bytes & ~(threshold - 1)) == cost { break }
            index += 1
        }
        var words = ["\(bytes / units[index].0)\(units[index].1)b/s"]
        guard burst != 0 else { return (words, 15_000) }
        bytes = bytes &* burst
        index = units.firstIndex { bytes >= $0.0 } ?? units.count - 1
        words += ["--hashlimit-burst", "\(bytes / units[index].0)\(units[index].1)b"]
        return (words, 60_000)
    }
}
