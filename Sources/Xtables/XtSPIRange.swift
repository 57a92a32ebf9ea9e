import NetCore

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
