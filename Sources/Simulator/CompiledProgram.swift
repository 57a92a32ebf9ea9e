import NetCore
import NFTables

/// Where a compiled test reads its bytes: the synthesised headers, or a meta key as the kernel stores it
/// in a register (host-order words stay host order, so comparisons keep the interpreter's `memcmp` order).
enum FieldSource: UInt8, Hashable, Sendable {
    case network, transport, l4proto, nfproto, mark, iifname, oifname, protocolType
}

/// A window of at most 16 bytes of a source, read as a big-endian number so that numeric order is
/// `memcmp` order.
struct FieldWindow: Hashable, Sendable {
    var source: FieldSource
    var offset: UInt8
    var length: UInt8
}

/// A 128-bit value as two words (the high word holds the first bytes of windows longer than 8).
struct Wide: Hashable, Sendable {
    var hi: UInt64
    var lo: UInt64

    static let zero = Wide(hi: 0, lo: 0)

    init(hi: UInt64, lo: UInt64) { self.hi = hi; self.lo = lo }

    /// Big-endian bytes (at most 16).
    init(_ bytes: some Collection<UInt8>) {
        var value = Wide.zero
        for byte in bytes { value.shiftIn(byte) }
        self = value
    }

    mutating func shiftIn(_ byte: UInt8) {
        hi = hi << 8 | lo >> 56
        lo = lo << 8 | UInt64(byte)
    }

    /// Appends `other`, `length` bytes long (keys of several windows).
    mutating func append(_ other: Wide, length: Int) {
        let bits = 8 * length
        if bits >= 128 {
            self = Wide.zero
        } else if bits >= 64 {
            hi = bits == 64 ? lo : lo << (bits - 64)
            lo = 0
        } else if bits > 0 {
            hi = hi << bits | lo >> (64 - bits)
            lo = lo << bits
        }
        hi |= other.hi
        lo |= other.lo
    }

    static func & (a: Wide, b: Wide) -> Wide { Wide(hi: a.hi & b.hi, lo: a.lo & b.lo) }
    static func < (a: Wide, b: Wide) -> Bool { a.hi != b.hi ? a.hi < b.hi : a.lo < b.lo }
}

/// One compiled operation of a rule, in the rule's expression order.
enum CompiledOp: Sendable {
    /// Load a window, mask it, compare; a failed load (header too short, no device) fails the rule.
    case test(FieldWindow, mask: Wide, op: TestOp, value: Wide, upper: Wide)
    /// `-m tcp` / `-m udp` (`struct xt_tcp`/`xt_udp`): protocol, port ranges, flags, invert bits.
    case ports(tcp: Bool, source: ClosedRange<UInt16>, destination: ClosedRange<UInt16>, flagMask: UInt8,
               flagCompare: UInt8, invert: UInt8)
    /// `-m conntrack --ctstate` / `-m state`: the state bits with an invert flag.
    case ctState(mask: UInt16, inverted: Bool)
    /// `-m addrtype --dst-type LOCAL` (no interface limit).
    case destinationLocal(inverted: Bool)
    /// A random choice (`statistic`): option 0 (the match) with this probability.
    case choice(probability: Double, label: Int32)
    /// `-j MARK`: new mark = (mark & and) ^ xor, or (mark | or).
    case mark(and: UInt32, or: UInt32, xor: UInt32)
}

enum TestOp: UInt8, Sendable { case eq, neq, lt, lte, gt, gte, inRange, outOfRange }

/// How a compiled rule ends when every op passed.
enum CompiledAction: Sendable {
    /// No verdict: the next rule runs.
    case fallThrough
    case accept, drop
    /// Queue or stolen: the simulation cannot follow.
    case unfollowable(Verdict.Code)
    case jump(Int32), goto(Int32)
    /// A jump whose target is not in the snapshot (warned, then ignored like the interpreter does).
    case missingTarget
    case `return`
    case nat(NatAction)
    case reject(RejectKind)
}

/// A rule lowered to ops, or marked for the interpreter (compile-time form).
struct CompiledRule: Sendable {
    var opStart: Int32
    var opEnd: Int32
    var action: CompiledAction
    /// Beyond the compiled subset: the interpreter runs this rule.
    var interpreted: Bool
}

/// A dispatch class of a chain (compile-time form): rules whose leading exact tests cover the same
/// windows, by key value.
struct DispatchClass: Sendable {
    /// The windows of the key, each with its mask.
    var windows: [MaskedWindow]
    /// Key → the class's rule positions in ascending order.
    var members: [Wide: [Int32]]
}

struct MaskedWindow: Hashable, Sendable {
    var window: FieldWindow
    var mask: Wide
}

/// A chain's names and rule identities, for references and the interpreter (not on the hot path).
struct CompiledChain: Sendable {
    var family: NFTFamily
    var table: String
    var name: String
    /// Index into the namespace's `sourceRules` of each rule.
    var ruleIDs: [Int32]
}

// MARK: the runtime form: flat arrays of plain values

/// A chain's slice of the flat tables, decoded from its two header units in `code` (the chain's rules and
/// ops follow them there, so one chain visit touches one contiguous stretch of memory).
struct ChainHeader: Sendable {
    /// The first header unit's index in `code`; rule p is at `ruleStart + p`.
    var offset: Int32
    var chainID: Int32
    var ruleStart: Int32
    var ruleCount: Int32
    var classStart: Int32
    var classCount: Int32
    var residueStart: Int32
    var residueCount: Int32
    /// No classes: every rule is a candidate, in order.
    var linear: Bool
    var policy: Verdict.Code

    /// Units a chain header takes.
    static let units: Int32 = 2
}

/// A rule at run time: its action as a kind plus an argument (a chain for jump/goto, an index into
/// `actions` for NAT, reject and unfollowable verdicts).
enum PackedRule {
    enum Kind: UInt8, Sendable { case fallThrough, accept, drop, jump, goto, missingTarget, `return`, other }

    /// Rule unit flags: run by the interpreter; the NAT mapping is inline in the word.
    static let interpreted: UInt16 = 1, inlineNat: UInt16 = 2
    /// The most units a compiled rule's ops may take (the count is a byte of the flags).
    static let maxOpUnits = 255
    /// The most leading op units a dispatch key may prove (six bits of the flags).
    static let maxProvenUnits = 63
}

/// One unit of compiled code in 16 bytes, four to a cache line. What the fields hold depends on the kind:
///
/// | kind | test | flags | aux | word |
/// |---|---|---|---|---|
/// | test | `TestOp` | 1: a mask unit follows, 2: an upper-bound unit follows | window | value |
/// | wideTest | `TestOp` | | window | index into `wideTests` |
/// | ports | invert bits | TCP flag mask, compare << 8 | 1 for TCP | source low, high, destination low, high (16 bits each) |
/// | ctState | inverted | state mask | | |
/// | destinationLocal | inverted | | | |
/// | choice | | | label | probability (Double bits) |
/// | mark | | | xor | and, or << 32 |
/// | rule | `PackedRule.Kind` | interpreted, inline NAT, proven units << 2, op units << 8 | first op unit | jump: target header, span << 32; NAT: inline mapping; other: index into `actions` |
/// | chainHeader | policy | linear | chain id | rule count, class count << 32 |
/// | operand | | | residue count (after a header) | mask or upper bound (after a test); class start, residue start << 32 (after a header) |
struct CodeUnit: Sendable {
    enum Kind: UInt8, Sendable { case test, wideTest, ports, ctState, destinationLocal, choice, mark, chainHeader, rule, operand }
    var kind: Kind
    var test: UInt8
    var flags: UInt16
    var aux: UInt32
    var word: UInt64

    init(kind: Kind, test: UInt8 = 0, flags: UInt16 = 0, aux: UInt32 = 0, word: UInt64 = 0) {
        self.kind = kind
        self.test = test
        self.flags = flags
        self.aux = aux
        self.word = word
    }

    /// A rule unit before it is filled in.
    static let placeholder = CodeUnit(kind: .rule)

    /// A window packed in `aux`: source, offset << 8, length << 16.
    init(kind: Kind, test: UInt8, flags: UInt16 = 0, window: FieldWindow, word: UInt64) {
        self.init(kind: kind, test: test, flags: flags,
                  aux: UInt32(window.source.rawValue) | UInt32(window.offset) << 8 | UInt32(window.length) << 16, word: word)
    }

    /// The window of a test unit (a source byte the builder never writes reads as the network header).
    @inline(__always)
    var window: FieldWindow {
        FieldWindow(source: FieldSource(rawValue: UInt8(truncatingIfNeeded: aux)) ?? .network,
                    offset: UInt8(truncatingIfNeeded: aux >> 8), length: UInt8(truncatingIfNeeded: aux >> 16))
    }

    /// A compiled rule unit's jump or goto: the target's header and span (see ``ChainLayout``).
    @inline(__always)
    var compiledJump: (header: Int32, span: UInt64)? {
        guard kind == .rule, flags & PackedRule.interpreted == 0,
              test == PackedRule.Kind.jump.rawValue || test == PackedRule.Kind.goto.rawValue else { return nil }
        return (Int32(truncatingIfNeeded: word), word >> 32)
    }

    /// A rule unit's op units, and how many of them its dispatch key proves.
    var opUnits: Int { Int(flags >> 8) }
    var provenUnits: Int { Int(flags >> 2 & 0x3f) }
}

/// A class's slice of the flat windows and of the open-addressing key table.
struct ClassHeader: Sendable {
    var windowStart: Int32
    var windowCount: Int32
    var slotStart: Int32
    var slotMask: Int32
    /// The class's presence filter: `filterMask + 1` bits from word `filterStart` of `filterWords`, one
    /// set per key (at bits 40 and up of its hash), about 8 bits per key. A clear bit proves the key absent
    /// without touching the slot table: the lookups that miss (a filter chain's few keys, most packets)
    /// then read a few cache-resident words instead of a cold slot of a table that grows with the ruleset.
    var filterStart: Int32
    var filterMask: Int32
}

/// A key table slot: the key and its rule list range; `end < 0` marks an empty slot, and an empty range
/// (`start == end`) holds a single rule's position in `start` and a copy of that rule's unit in `unit`:
/// kube-proxy's service rule is then run from the slot's cache line, without a dependent read of the
/// rule unit in the middle of a chain that grows with the ruleset.
struct HashSlot: Sendable {
    var hi: UInt64
    var lo: UInt64
    var start: Int32
    var end: Int32
    var unit: CodeUnit

    static let empty = HashSlot(hi: 0, lo: 0, start: 0, end: -1, unit: CodeUnit.placeholder)

    @inline(__always)
    static func hash(_ key: Wide) -> UInt64 {
        (key.lo &* 0x9e37_79b9_7f4a_7c15 ^ key.hi &* 0xc2b2_ae3d_27d4_eb4f) &* 0xff51_afd7_ed55_8ccd
    }
}
