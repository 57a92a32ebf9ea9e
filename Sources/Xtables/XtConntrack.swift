import NetCore

/// The `conntrack` match (and `-m state`, which iptables 1.8 sends as conntrack with the state alias flag).
///
/// Mirrors `struct xt_conntrack_mtinfo1/2/3` (linux/netfilter/xt_conntrack.h): eight `union nf_inet_addr`
/// (address and mask for original/reply source/destination), `expires_min/max`, `l4proto`, four ports,
/// `match_flags`, `invert_flags`, `state_mask`, `status_mask`, and in revision 3 the four upper port bounds.
/// Sizes: revision 1 152 bytes, 2 156 (160 padded), 3 164 (168 padded). Revisions 1 and 2 keep ports in
/// network order, revision 3 in host order; this type holds them as numbers either way.
public struct XtConntrack: Hashable, Sendable {
    /// Which criteria are present (`match_flags`) or inverted (`invert_flags`): `XT_CONNTRACK_*`.
    public struct Fields: OptionSet, Hashable, Sendable {
        public var rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }
        /// `XT_CONNTRACK_STATE`: `--ctstate`.
        public static let state = Fields(rawValue: 1 << 0)
        /// `XT_CONNTRACK_PROTO`: `--ctproto`.
        public static let proto = Fields(rawValue: 1 << 1)
        /// `--ctorigsrc`.
        public static let originalSource = Fields(rawValue: 1 << 2)
        /// `--ctorigdst`.
        public static let originalDestination = Fields(rawValue: 1 << 3)
        /// `--ctreplsrc`.
        public static let replySource = Fields(rawValue: 1 << 4)
        /// `--ctrepldst`.
        public static let replyDestination = Fields(rawValue: 1 << 5)
        /// `XT_CONNTRACK_STATUS`: `--ctstatus`.
        public static let status = Fields(rawValue: 1 << 6)
        /// `XT_CONNTRACK_EXPIRES`: `--ctexpire`.
        public static let expires = Fields(rawValue: 1 << 7)
        /// `--ctorigsrcport`.
        public static let originalSourcePort = Fields(rawValue: 1 << 8)
        /// `--ctorigdstport`.
        public static let originalDestinationPort = Fields(rawValue: 1 << 9)
        /// `--ctreplsrcport`.
        public static let replySourcePort = Fields(rawValue: 1 << 10)
        /// `--ctrepldstport`.
        public static let replyDestinationPort = Fields(rawValue: 1 << 11)
        /// `XT_CONNTRACK_DIRECTION`: `--ctdir`.
        public static let direction = Fields(rawValue: 1 << 12)
        /// `XT_CONNTRACK_STATE_ALIAS`: written by `-m state`; iptables prints `-m state --state`.
        public static let stateAlias = Fields(rawValue: 1 << 13)
    }

    /// An address criterion with its mask.
    public struct Address: Hashable, Sendable {
        /// The address, of the table's family.
        public var address: IPAddress
        /// Its mask (all ones for a host).
        public var mask: IPAddress
        /// Creates a criterion.
        public init(address: IPAddress, mask: IPAddress) {
            self.address = address
            self.mask = mask
        }
    }

    /// A port criterion; `high` is 0 unless revision 3 gave a range.
    public struct Ports: Hashable, Sendable {
        /// The port, or the first of a range.
        public var low: UInt16
        /// The last port of a range; 0 for a single port.
        public var high: UInt16
        /// Creates a criterion.
        public init(low: UInt16, high: UInt16) {
            self.low = low
            self.high = high
        }
    }

    /// The structure revision (1, 2 or 3).
    public var revision: UInt8
    /// `match_flags`: the criteria present.
    public var matchFields: Fields
    /// `invert_flags`: the criteria negated with `!` (for the direction: REPLY).
    public var invertFields: Fields
    /// `XT_CONNTRACK_STATE_*` bits: INVALID 1, ESTABLISHED 2, RELATED 4, NEW 8, SNAT 64, DNAT 128, UNTRACKED 256.
    public var stateMask: UInt16
    /// `IPS_*` bits: EXPECTED 1, SEEN_REPLY 2, ASSURED 4, CONFIRMED 8.
    public var statusMask: UInt16
    /// The layer-4 protocol number (`--ctproto`).
    public var l4proto: UInt16
    /// `--ctorigsrc`.
    public var originalSource: Address
    /// `--ctorigdst`.
    public var originalDestination: Address
    /// `--ctreplsrc`.
    public var replySource: Address
    /// `--ctrepldst`.
    public var replyDestination: Address
    /// `--ctorigsrcport`.
    public var originalSourcePort: Ports
    /// `--ctorigdstport`.
    public var originalDestinationPort: Ports
    /// `--ctreplsrcport`.
    public var replySourcePort: Ports
    /// `--ctrepldstport`.
    public var replyDestinationPort: Ports
    /// The lower bound of the remaining lifetime in seconds (`--ctexpire`).
    public var expiresMin: UInt32
    /// The upper bound of the remaining lifetime in seconds.
    public var expiresMax: UInt32

    /// Whether `-m state` wrote it (iptables prints the match as `state`).
    public var isStateAlias: Bool { matchFields.contains(.stateAlias) }
}

extension XtConntrack {
    static func decode(_ blob: XtBlob, revision: UInt8, family: IPFamily) throws(DecodeError) -> XtConntrack? {
        let size: Int
        switch revision {
        case 1: size = 152
        case 2: size = 156
        case 3: size = 164
        default: return nil
        }
        try blob.require(size, "xt_conntrack_mtinfo\(revision)")
        func address(_ index: Int) throws(DecodeError) -> Address {
            Address(address: try blob.inetAddress(32 * index, family: family),
                    mask: try blob.inetAddress(32 * index + 16, family: family))
        }
        func port(_ offset: Int, high: Int) throws(DecodeError) -> Ports {
            revision == 3 ? Ports(low: try blob.u16(offset), high: try blob.u16(high))
                          : Ports(low: try blob.be16(offset), high: 0)
        }
        let wideMasks = revision >= 2
        return XtConntrack(
            revision: revision,
            matchFields: Fields(rawValue: try blob.u16(146)), invertFields: Fields(rawValue: try blob.u16(148)),
            stateMask: wideMasks ? try blob.u16(150) : UInt16(try blob.u8(150)),
            statusMask: wideMasks ? try blob.u16(152) : UInt16(try blob.u8(151)),
            l4proto: try blob.u16(136),
            originalSource: try address(0), originalDestination: try address(1),
            replySource: try address(2), replyDestination: try address(3),
            originalSourcePort: try port(138, high: 154), originalDestinationPort: try port(140, high: 156),
            replySourcePort: try port(142, high: 158), replyDestinationPort: try port(144, high: 160),
            expiresMin: try blob.u32(128), expiresMax: try blob.u32(132))
    }
}
