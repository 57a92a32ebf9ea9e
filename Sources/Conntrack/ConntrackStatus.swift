/// Conntrack status bits (`enum ip_conntrack_status`, `CTA_STATUS`).
///
/// An option set over the raw 32 bits: bits this version does not name are kept and printed as `BIT_n`,
/// so a newer kernel's flags survive a round trip.
public struct ConntrackStatus: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// An expected connection, opened through a helper's expectation (`IPS_EXPECTED`).
    public static let expected = ConntrackStatus(rawValue: 1 << 0)
    /// Packets were seen in both directions (`IPS_SEEN_REPLY`).
    public static let seenReply = ConntrackStatus(rawValue: 1 << 1)
    /// The entry is never early-dropped (`IPS_ASSURED`).
    public static let assured = ConntrackStatus(rawValue: 1 << 2)
    /// The first packet left the box and the entry is in the table (`IPS_CONFIRMED`).
    public static let confirmed = ConntrackStatus(rawValue: 1 << 3)
    /// Source NAT applies in the original direction (`IPS_SRC_NAT`).
    public static let sourceNAT = ConntrackStatus(rawValue: 1 << 4)
    /// Destination NAT applies in the original direction (`IPS_DST_NAT`).
    public static let destinationNAT = ConntrackStatus(rawValue: 1 << 5)
    /// TCP sequence numbers are adjusted (`IPS_SEQ_ADJUST`).
    public static let sequenceAdjust = ConntrackStatus(rawValue: 1 << 6)
    /// Source NAT has been set up (`IPS_SRC_NAT_DONE`).
    public static let sourceNATDone = ConntrackStatus(rawValue: 1 << 7)
    /// Destination NAT has been set up (`IPS_DST_NAT_DONE`).
    public static let destinationNATDone = ConntrackStatus(rawValue: 1 << 8)
    /// The entry is being removed (`IPS_DYING`).
    public static let dying = ConntrackStatus(rawValue: 1 << 9)
    /// The timeout is fixed (`IPS_FIXED_TIMEOUT`).
    public static let fixedTimeout = ConntrackStatus(rawValue: 1 << 10)
    /// A template entry (`IPS_TEMPLATE`).
    public static let template = ConntrackStatus(rawValue: 1 << 11)
    /// The obsolete untracked entry (`IPS_UNTRACKED`).
    public static let untracked = ConntrackStatus(rawValue: 1 << 12)
    /// A helper was attached explicitly (`IPS_HELPER`).
    public static let helper = ConntrackStatus(rawValue: 1 << 13)
    /// Offloaded to a flow table (`IPS_OFFLOAD`).
    public static let offload = ConntrackStatus(rawValue: 1 << 14)
    /// Offloaded to hardware (`IPS_HW_OFFLOAD`).
    public static let hardwareOffload = ConntrackStatus(rawValue: 1 << 15)

    /// The kernel's names of the bits, lowest first (`IPS_` removed).
    public static let bitNames: [String] = [
        "EXPECTED", "SEEN_REPLY", "ASSURED", "CONFIRMED", "SRC_NAT", "DST_NAT", "SEQ_ADJUST", "SRC_NAT_DONE",
        "DST_NAT_DONE", "DYING", "FIXED_TIMEOUT", "TEMPLATE", "UNTRACKED", "HELPER", "OFFLOAD", "HW_OFFLOAD",
    ]

    /// The names of the set bits, lowest first; unnamed bits are `BIT_n`.
    public var names: [String] {
        var result: [String] = []
        var bits = rawValue
        while bits != 0 {
            let bit = bits.trailingZeroBitCount
            result.append(bit < Self.bitNames.count ? Self.bitNames[bit] : "BIT_\(bit)")
            bits &= bits - 1
        }
        return result
    }

    /// Parses one kernel name (`ASSURED`, `seen_reply`, `BIT_20`); `nil` for an unknown name.
    public init?(name: String) {
        let upper = name.uppercased()
        if let index = Self.bitNames.firstIndex(of: upper) {
            self.init(rawValue: 1 << UInt32(index))
        } else if upper.hasPrefix("BIT_"), let bit = Int(upper.dropFirst(4)), (0..<32).contains(bit) {
            self.init(rawValue: 1 << UInt32(bit))
        } else {
            return nil
        }
    }

    public var description: String { names.joined(separator: ",") }
}
