import NetCore
import Xtables

/// One iptables-legacy rule: an `ipt_entry` / `ip6t_entry` with its standard match part, its matches and its
/// target. Identified by table, chain and 1-based position, as `iptables -L --line-numbers` counts.
public struct LegacyRule: Equatable, Sendable {
    public var table: String
    public var chain: String
    /// 1-based position within the chain.
    public var position: Int
    /// The entry's byte offset in the kernel blob (what jumps point at).
    public var offset: Int
    /// The standard part: addresses, interfaces, protocol, flags.
    public var header: LegacyIPHeader
    /// The matches in entry order.
    public var matches: [LegacyMatch]
    /// What happens when every match matched.
    public var target: LegacyTarget
    public var counters: LegacyCounters

    public init(table: String, chain: String, position: Int, offset: Int, header: LegacyIPHeader,
                matches: [LegacyMatch], target: LegacyTarget, counters: LegacyCounters) {
        self.table = table
        self.chain = chain
        self.position = position
        self.offset = offset
        self.header = header
        self.matches = matches
        self.target = target
        self.counters = counters
    }

    /// Always ``RulesetBackend/legacy``.
    public var backend: RulesetBackend { .legacy }
}

/// One `xt_entry_match`: the raw extension as the kernel holds it and its decoding by the Xtables module.
public struct LegacyMatch: Equatable, Sendable {
    /// Name, revision and info bytes (`u.user.name`, `u.user.revision`, `data[match_size - 32]`).
    public var raw: XtExtension
    /// The decoded match; ``XtMatch/raw(_:)`` for unknown extensions and for payloads that failed to decode.
    public var match: XtMatch
    /// Why a known extension's payload did not decode, if it did not.
    public var decodeError: DecodeError?

    public init(raw: XtExtension, match: XtMatch, decodeError: DecodeError? = nil) {
        self.raw = raw
        self.match = match
        self.decodeError = decodeError
    }
}

/// A standard verdict as x_tables encodes it: a negative number, `-NF_verdict - 1` (`XT_RETURN` is
/// `-NF_REPEAT - 1`). Unknown values survive as their number.
public struct LegacyVerdict: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let drop = LegacyVerdict(rawValue: -1)     // -NF_DROP - 1
    public static let accept = LegacyVerdict(rawValue: -2)   // -NF_ACCEPT - 1
    public static let queue = LegacyVerdict(rawValue: -4)    // -NF_QUEUE - 1
    public static let `return` = LegacyVerdict(rawValue: -5) // XT_RETURN

    /// `ACCEPT`, `DROP`, `QUEUE`, `RETURN`, or the number for anything else.
    public var description: String {
        switch self {
        case .drop: return "DROP"
        case .accept: return "ACCEPT"
        case .queue: return "QUEUE"
        case .return: return "RETURN"
        default: return String(rawValue)
        }
    }
}

/// The target of a legacy rule.
public enum LegacyTarget: Equatable, Sendable {
    /// A standard target with a verdict (`-j ACCEPT`, `-j RETURN`).
    case verdict(LegacyVerdict)
    /// A standard target pointing at a user chain: `-j CHAIN`, or `-g CHAIN` when `goto` (`IPT_F_GOTO`).
    case jump(chain: String, goto: Bool)
    /// A standard target whose offset is the next entry: a rule without `-j` (counting only).
    case continueToNext
    /// An extension target (`-j DNAT ...`): the raw bytes and their decoding.
    case `extension`(raw: XtExtension, target: XtTarget, decodeError: DecodeError?)
}
