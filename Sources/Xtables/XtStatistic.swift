import NetCore

/// The `statistic` match: random sampling or every-nth-packet selection (kube-proxy's endpoint load balancing).
///
/// Mirrors `struct xt_statistic_info` (linux/netfilter/xt_statistic.h), revision 0, 24 bytes:
/// `__u16 mode; __u16 flags; union { random.probability; nth.every, nth.packet, nth.count }; master`.
public struct XtStatistic: Hashable, Sendable {
    /// What the match selects.
    public enum Mode: Hashable, Sendable {
        /// `--mode random --probability p`; the kernel keeps `p * 2^31` and matches when
        /// `get_random_u32() & 0x7FFFFFFF < probability`.
        case random(probability: UInt32)
        /// `--mode nth --every n --packet p`; the kernel keeps `every = n - 1`.
        case nth(every: UInt32, packet: UInt32)
        /// A mode number this tool does not know (`XT_STATISTIC_MODE_*`).
        case unknown(UInt16)
    }

    /// The selection mode.
    public var mode: Mode
    /// `XT_STATISTIC_INVERT`: `!` before `--probability` / `--every`.
    public var inverted: Bool

    /// Creates a value from its fields.
    public init(mode: Mode, inverted: Bool) {
        self.mode = mode
        self.inverted = inverted
    }

    /// The probability as a number in [0, 1] for random mode.
    public var probability: Double? {
        guard case .random(let value) = mode else { return nil }
        return Double(value) / 2_147_483_648
    }

    static func decode(_ blob: XtBlob) throws(DecodeError) -> XtStatistic {
        try blob.require(16, "xt_statistic_info")
        let rawMode = try blob.u16(0), flags = try blob.u16(2)
        let mode: Mode
        switch rawMode {
        case 0: mode = .random(probability: try blob.u32(4))
        case 1: mode = .nth(every: try blob.u32(4), packet: try blob.u32(8))
        default: mode = .unknown(rawMode)
        }
        return XtStatistic(mode: mode, inverted: flags & 1 != 0)
    }

    /// libxt_statistic `print_match(info, "--")`.
    var arguments: [String] {
        switch mode {
        case .random(let probability):
            let value = XtFormat.fixed11(fractionOf2p31: probability)
            return inverted ? ["--mode", "random", "!", "--probability", value]
                            : ["--mode", "random", "--probability", value]
        case .nth(let every, let packet):
            // The kernel stores every-1; iptables prints it back with a 32-bit wrap. The save path always
            // prints --packet (print_match tests `packet || *prefix`, and the prefix is "--").
            let tail = ["--every", String(every &+ 1), "--packet", String(packet)]
            return (inverted ? ["--mode", "nth", "!"] : ["--mode", "nth"]) + tail
        case .unknown:
            return []
        }
    }
}
