import NetCore

/// A routing policy rule (`RTM_NEWRULE`, `struct fib_rule_hdr` plus `FRA_*`), as `ip rule` lists them.
///
/// The kernel walks rules by ascending ``priority``; the first whose selectors all match decides, by its
/// ``action``, which table to look up (or to drop). A lookup that finds nothing (or a `throw` route)
/// continues with the next rule.
public struct PolicyRule: Hashable, Sendable {
    /// IPv4 or IPv6 (`family`).
    public var family: IPFamily
    /// The order among rules, lower first (`FRA_PRIORITY`; the kernel omits it for priority 0).
    public var priority: UInt32
    /// The table to look up (`FRA_TABLE`, which carries ids above 255; else `table`).
    public var table: RouteTable
    /// What a match does (`action`).
    public var action: RuleAction
    /// The source selector (`FRA_SRC` with `src_len`); `nil` for any source.
    public var source: IPPrefix?
    /// The destination selector (`FRA_DST` with `dst_len`); `nil` for any destination.
    public var destination: IPPrefix?
    /// The TOS selector, 0 for any (`tos`).
    public var tos: UInt8
    /// The input interface name selector (`FRA_IIFNAME`); `lo` selects locally generated packets.
    public var inputInterface: String?
    /// The output interface name selector (`FRA_OIFNAME`).
    public var outputInterface: String?
    /// The firewall mark selector (`FRA_FWMARK`), compared under ``fwmask``.
    public var fwmark: UInt32?
    /// The mask for ``fwmark`` (`FRA_FWMASK`); the kernel reports `0xffffffff` for a plain `fwmark N`.
    public var fwmask: UInt32?
    /// The rule priority a `goto` action jumps to (`FRA_GOTO`).
    public var gotoTarget: UInt32?
    /// `FIB_RULE_*` flags: `invert` (the `not` keyword), detached interfaces, …
    public var flags: RuleFlags
    /// Look up the table of the L3 master device (VRF) of the packet's interface (`FRA_L3MDEV`).
    public var l3mdev: Bool
    /// Reject a lookup result whose prefix is this long or shorter (`FRA_SUPPRESS_PREFIXLEN`).
    public var suppressPrefixLength: Int?
    /// Reject a lookup result whose device is in this group (`FRA_SUPPRESS_IFGROUP`).
    public var suppressInterfaceGroup: UInt32?
    /// The socket owner uid selector (`FRA_UID_RANGE`).
    public var uidRange: ClosedRange<UInt32>?
    /// The IP protocol selector (`FRA_IP_PROTO`), such as 6 for TCP.
    public var ipProtocol: UInt8?
    /// The source port selector (`FRA_SPORT_RANGE`).
    public var sourcePorts: ClosedRange<UInt16>?
    /// The destination port selector (`FRA_DPORT_RANGE`).
    public var destinationPorts: ClosedRange<UInt16>?
    /// Who installed the rule (`FRA_PROTOCOL`).
    public var `protocol`: RouteProtocol
    /// The tunnel id selector (`FRA_TUN_ID`).
    public var tunnelID: UInt64?
    /// The routing realm set on a match (`FRA_FLOW`).
    public var realm: UInt32?
    /// Attributes nfscope does not model (newer selectors such as `FRA_DSCP`), kept so that a simulator can
    /// refuse to guess about a rule that may select on something it cannot see.
    public var unknownAttributes: [RawAttribute]

    /// Whether the selectors are inverted (`FIB_RULE_INVERT`, `ip rule add not …`).
    public var isInverted: Bool { flags.contains(.invert) }

    /// Creates a rule, as tests and fakes need; readers decode them with `init(decoding:)`.
    public init(family: IPFamily, priority: UInt32 = 0, table: RouteTable = .unspecified,
                action: RuleAction = .toTable, source: IPPrefix? = nil, destination: IPPrefix? = nil,
                tos: UInt8 = 0, inputInterface: String? = nil, outputInterface: String? = nil,
                fwmark: UInt32? = nil, fwmask: UInt32? = nil, gotoTarget: UInt32? = nil, flags: RuleFlags = [],
                l3mdev: Bool = false, suppressPrefixLength: Int? = nil, suppressInterfaceGroup: UInt32? = nil,
                uidRange: ClosedRange<UInt32>? = nil, ipProtocol: UInt8? = nil,
                sourcePorts: ClosedRange<UInt16>? = nil, destinationPorts: ClosedRange<UInt16>? = nil,
                protocol: RouteProtocol = .unspecified, tunnelID: UInt64? = nil, realm: UInt32? = nil,
                unknownAttributes: [RawAttribute] = []) {
        self.family = family
        self.priority = priority
        self.table = table
        self.action = action
        self.source = source
        self.destination = destination
        self.tos = tos
        self.inputInterface = inputInterface
        self.outputInterface = outputInterface
        self.fwmark = fwmark
        self.fwmask = fwmask
        self.gotoTarget = gotoTarget
        self.flags = flags
        self.l3mdev = l3mdev
        self.suppressPrefixLength = suppressPrefixLength
        self.suppressInterfaceGroup = suppressInterfaceGroup
        self.uidRange = uidRange
        self.ipProtocol = ipProtocol
        self.sourcePorts = sourcePorts
        self.destinationPorts = destinationPorts
        self.protocol = `protocol`
        self.tunnelID = tunnelID
        self.realm = realm
        self.unknownAttributes = unknownAttributes
    }
}

/// What a matching policy rule does (`action`, `FR_ACT_*` in `<linux/fib_rules.h>`).
public struct RuleAction: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let unspecified = RuleAction(rawValue: 0)   // FR_ACT_UNSPEC
    /// Look up ``PolicyRule/table`` (`FR_ACT_TO_TBL`).
    public static let toTable = RuleAction(rawValue: 1)
    /// Continue at the rule with priority ``PolicyRule/gotoTarget`` (`FR_ACT_GOTO`).
    public static let goto = RuleAction(rawValue: 2)
    /// Do nothing, go on with the next rule (`FR_ACT_NOP`).
    public static let nop = RuleAction(rawValue: 3)
    /// Drop silently (`FR_ACT_BLACKHOLE`).
    public static let blackhole = RuleAction(rawValue: 6)
    /// Drop with "network unreachable" (`FR_ACT_UNREACHABLE`).
    public static let unreachable = RuleAction(rawValue: 7)
    /// Drop with "administratively prohibited" (`FR_ACT_PROHIBIT`).
    public static let prohibit = RuleAction(rawValue: 8)

    /// The name `ip -j rule` prints for the action (`to_tbl`, `goto`, `nop`, `blackhole`, …), or the number.
    public var description: String {
        let names = [0: "unspec", 1: "to_tbl", 2: "goto", 3: "nop", 6: "blackhole", 7: "unreachable", 8: "prohibit"]
        return names[Int(rawValue)] ?? String(rawValue)
    }
}

/// Policy rule flags (`FIB_RULE_*` in `<linux/fib_rules.h>`).
public struct RuleFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Cannot be deleted (`FIB_RULE_PERMANENT`).
    public static let permanent = RuleFlags(rawValue: 0x1)
    /// The selectors are negated (`FIB_RULE_INVERT`).
    public static let invert = RuleFlags(rawValue: 0x2)
    /// A `goto` to a priority that has no rule yet (`FIB_RULE_UNRESOLVED`).
    public static let unresolved = RuleFlags(rawValue: 0x4)
    /// The input interface named by the rule does not exist; the rule matches nothing (`FIB_RULE_IIF_DETACHED`).
    public static let inputInterfaceDetached = RuleFlags(rawValue: 0x8)
    /// The output interface named by the rule does not exist (`FIB_RULE_OIF_DETACHED`).
    public static let outputInterfaceDetached = RuleFlags(rawValue: 0x10)
    public static let findSourceAddress = RuleFlags(rawValue: 0x10000) // FIB_RULE_FIND_SADDR
}
