import NetCore

/// The `physdev` match: the bridge port a bridged packet came in on or goes out of (flannel, kube-router with
/// `br_netfilter`).
///
/// Mirrors `struct xt_physdev_info` (linux/netfilter/xt_physdev.h), revision 0, 66 bytes (72 padded):
/// `char physindev[16], in_mask[16], physoutdev[16], out_mask[16]; __u8 invert, bitmask`.
public struct XtPhysdev: Hashable, Sendable {
    /// `XT_PHYSDEV_OP_*` bits, used for both `bitmask` (present) and `invert`.
    public struct Options: OptionSet, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// `XT_PHYSDEV_OP_IN`: `--physdev-in`.
        public static let inInterface = Options(rawValue: 0x01)
        /// The output bridge port name (`--physdev-out`).
        public static let outInterface = Options(rawValue: 0x02)
        /// `XT_PHYSDEV_OP_BRIDGED`: `--physdev-is-bridged`.
        public static let isBridged = Options(rawValue: 0x04)
        /// `XT_PHYSDEV_OP_ISIN`: `--physdev-is-in`.
        public static let isIn = Options(rawValue: 0x08)
        /// `XT_PHYSDEV_OP_ISOUT`: `--physdev-is-out`.
        public static let isOut = Options(rawValue: 0x10)
    }

    /// The bridge port names as iptables wrote them (a trailing `+` is a prefix wildcard).
    public var inInterface: String
    /// The output bridge port name (`--physdev-out`).
    public var outInterface: String
    /// `bitmask`: the options present.
    public var present: Options
    /// `invert`: the options negated with `!`.
    public var inverted: Options

    /// Creates a value from its fields.
    public init(inInterface: String, outInterface: String, present: Options, inverted: Options) {
        self.inInterface = inInterface
        self.outInterface = outInterface
        self.present = present
        self.inverted = inverted
    }

    static func decode(_ blob: XtBlob) throws(DecodeError) -> XtPhysdev {
        try blob.require(66, "xt_physdev_info")
        return XtPhysdev(inInterface: try blob.string(0, 16), outInterface: try blob.string(32, 16),
                         present: Options(rawValue: try blob.u8(65)), inverted: Options(rawValue: try blob.u8(64)))
    }

    /// libxt_physdev `physdev_save`.
    var arguments: [String] {
        var out: [String] = []
        func option(_ bit: Options, _ words: [String]) {
            guard present.contains(bit) else { return }
            out += (inverted.contains(bit) ? ["!"] : []) + words
        }
        option(.isIn, ["--physdev-is-in"])
        option(.inInterface, ["--physdev-in", inInterface])
        option(.isOut, ["--physdev-is-out"])
        option(.outInterface, ["--physdev-out", outInterface])
        option(.isBridged, ["--physdev-is-bridged"])
        return out
    }
}
