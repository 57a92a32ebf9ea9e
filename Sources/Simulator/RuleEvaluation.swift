import NetCore
import NFTables

/// One rule run over a packet: the register file and the expressions in order (`nft_do_chain`'s inner loop).
struct RuleEvaluation {
    let rule: Rule
    let context: HookContext
    var registers = Registers()
    /// Side effects worth showing (mark set, unknown expression assumed), even when the rule has no verdict.
    var effects: [String] = []

    init(rule: Rule, context: HookContext) {
        self.rule = rule
        self.context = context
    }

    /// What one expression did.
    enum Step {
        case next
        case breakRule
        case stop(Interpreter.RuleResult)
    }

    mutating func run(_ packet: inout Packet) -> Interpreter.RuleResult {
        for expression in rule.expressions {
            switch evaluate(expression, &packet) {
            case .next:
                if registers.verdict.code != .continue { return .verdict(registers.verdict) }
            case .breakRule:
                return .noMatch
            case .stop(let result):
                return result
            }
        }
        return .fallThrough
    }

    mutating func evaluate(_ expression: Expression, _ packet: inout Packet) -> Step {
        switch expression {
        case .payload(let e): return payload(e, packet)
        case .cmp(let e): return cmp(e)
        case .bitwise(let e): return bitwise(e)
        case .byteorder(let e): return byteorder(e)
        case .range(let e): return range(e)
        case .immediate(let e): return immediate(e)
        case .lookup(let e): return lookup(e, packet)
        case .meta(let e): return meta(e, &packet)
        case .ct(let e): return ct(e, &packet)
        case .nat(let e): return nat(e, packet)
        case .masq(let e): return .stop(.nat(NatAction(kind: .masquerade, port: e.protoMin.flatMap(registers.loadBig16))))
        case .redir(let e): return .stop(.nat(NatAction(kind: .redirect, port: e.protoMin.flatMap(registers.loadBig16))))
        case .reject(let e): return .stop(.reject(rejectKind(e, packet)))
        case .numgen(let e): return numgen(e)
        case .hash(let e): return hash(e)
        case .fib(let e): return fib(e, packet)
        case .match(let e): return compatMatch(e, packet)
        case .target(let e): return compatTarget(e, &packet)
        case .counter, .log, .quota, .objref, .connlimit, .dynset:
            // Stateful bookkeeping; the simulation assumes no quota or connection limit is exhausted.
            return .next
        case .limit:
            context.trail.warn("rate limits are assumed not exceeded")
            return .next
        case .notrack:
            packet.conntrack.state = .untracked
            return .next
        default:
            return unknown("expression \(expression.name)")
        }
    }

    /// An expression or match the simulator cannot evaluate: both outcomes are explored, with unknown
    /// probabilities.
    mutating func unknown(_ what: String) -> Step {
        let place = LegacyRuleset.isLegacy(table: rule.table)
            ? "iptables-legacy \(LegacyRuleset.displayName(table: rule.table))/\(rule.chain) position \(rule.handle)"
            : "\(rule.table)/\(rule.chain) handle \(rule.handle)"
        context.trail.warn("\(what) in \(place) is not simulated; both ways explored")
        let choice = context.trail.cursor.choose(.random([nil, nil]),
                                                  labels: ["\(what) matches", "\(what) does not match"])
        effects.append(choice == 0 ? "assumed \(what) matches" : "assumed \(what) does not match")
        return choice == 0 ? .next : .breakRule
    }

    // MARK: data expressions

    mutating func payload(_ e: Expression.Payload, _ packet: Packet) -> Step {
        guard case .load(let destination) = e.operation else {
            effects.append("payload write (ignored)")
            return .next
        }
        guard let header = packet.header(e.base), Int(e.offset) + Int(e.length) <= header.count else { return .breakRule }
        registers.store(destination, Array(header[Int(e.offset)..<Int(e.offset + e.length)]))
        return .next
    }

    mutating func cmp(_ e: Expression.Cmp) -> Step {
        guard let value = registers.load(e.source, length: e.data.count) else { return .breakRule }
        let d = memcmp(value, e.data)
        let matched: Bool
        switch e.op {
        case .eq: matched = d == 0
        case .neq: matched = d != 0
        case .lt: matched = d < 0
        case .lte: matched = d <= 0
        case .gt: matched = d > 0
        case .gte: matched = d >= 0
        default: matched = false
        }
        return matched ? .next : .breakRule
    }

    mutating func range(_ e: Expression.Range) -> Step {
        guard let value = registers.load(e.source, length: e.from.count) else { return .breakRule }
        let inside = memcmp(e.from, value) <= 0 && memcmp(value, e.to) <= 0
        return (e.op == .neq ? !inside : inside) ? .next : .breakRule
    }

    mutating func bitwise(_ e: Expression.Bitwise) -> Step {
        let length = Int(e.length)
        guard let source = registers.load(e.source, length: length) else { return .breakRule }
        var result = source
        switch e.operation {
        case .maskXor(let mask, let xor):
            for i in 0..<length { result[i] = (source[i] & (i < mask.count ? mask[i] : 0)) ^ (i < xor.count ? xor[i] : 0) }
        case .leftShift(let shift), .rightShift(let shift):
            result = shifted(source, by: shift, left: { if case .leftShift = e.operation { return true }; return false }())
        case .other:
            return unknown("bitwise operation")
        }
        registers.store(e.destination, result)
        return .next
    }

    /// `nft_bitwise_eval_lshift/rshift`: 32-bit host-order words, carrying bits between words.
    private func shifted(_ bytes: [UInt8], by shift: UInt32, left: Bool) -> [UInt8] {
        let words = (bytes.count + 3) / 4
        var values = (0..<words).map { w in (0..<4).reduce(UInt32(0)) { acc, b in
            let i = w * 4 + b
            return acc | (i < bytes.count ? UInt32(bytes[i]) << (8 * b) : 0) } }
        guard shift > 0, shift < 32 else { return bytes }
        var carry: UInt32 = 0
        if left {
            for w in stride(from: words - 1, through: 0, by: -1) {
                let value = values[w]
                values[w] = value << shift | carry
                carry = value >> (32 - shift)
            }
        } else {
            for w in 0..<words {
                let value = values[w]
                values[w] = carry | value >> shift
                carry = value << (32 - shift)
            }
        }
        return Array(values.flatMap(\.hostBytes).prefix(bytes.count))
    }

    /// `nft_byteorder_eval`: on a little-endian host both ntoh and hton swap each `size`-byte element.
    mutating func byteorder(_ e: Expression.Byteorder) -> Step {
        let length = Int(e.length), size = Int(e.size)
        guard size == 2 || size == 4 || size == 8, let source = registers.load(e.source, length: length) else {
            return .breakRule
        }
        var result = source
        var start = 0
        while start + size <= length {
            for i in 0..<size { result[start + i] = source[start + size - 1 - i] }
            start += size
        }
        registers.store(e.destination, result)
        return .next
    }

    mutating func immediate(_ e: Expression.Immediate) -> Step {
        switch e.data {
        case .verdict(let verdict): registers.verdict = verdict
        case .value(let bytes): registers.store(e.destination, bytes)
        }
        return .next
    }
}
