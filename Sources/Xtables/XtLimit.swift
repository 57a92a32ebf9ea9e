import NetCore

/// The `limit` match: a token bucket (`--limit 5/sec --limit-burst 10`).
///
/// Mirrors `struct xt_rateinfo` (linux/netfilter/xt_limit.h), 40 bytes on LP64: `__u32 avg, burst`, then
/// kernel-private state. `avg` is the mean interval between packets in 1/10000 s (`XT_LIMIT_SCALE`).
/// iptables-nft usually writes a native `limit` expression instead; this form appears in iptables-legacy.
public struct XtLimit: Hashable, Sendable {
    /// Average interval between packets, in units of 1/10000 s; 0 means unlimited.
    public var average: UInt32
    /// The bucket size in packets (`--limit-burst`, default 5).
    public var burst: UInt32

    /// Creates a value from its fields.
    public init(average: UInt32, burst: UInt32) {
        self.average = average
        self.burst = burst
    }

    static func decode(_ blob: XtBlob) throws(DecodeError) -> XtLimit {
        try blob.require(8, "xt_rateinfo")
        return XtLimit(average: try blob.u32(0), burst: try blob.u32(4))
    }

    /// libxt_limit `print_rate`: the coarsest unit in which the rate is a whole-ish number of packets.
    static func rate(_ period: UInt32) -> String {
        // printf("%f", INFINITY).
        guard period != 0 else { return "inf" }
        let units: [(UInt32, String)] = [(864_000_000, "day"), (36_000_000, "hour"), (600_000, "min"),
                                         (10_000, "sec")]
        var chosen = units.count - 1
        for index in 1..<units.count {
            let mult = units[index].0
            if period > mult || mult / period < mult % period {
                chosen = index - 1
                break
            }
        }
        return "\(units[chosen].0 / period)/\(units[chosen].1)"
    }

    /// libxt_limit `limit_save`.
    var arguments: [String] {
        ["--limit", Self.rate(average)] + (burst != 5 ? ["--limit-burst", String(burst)] : [])
    }
}
