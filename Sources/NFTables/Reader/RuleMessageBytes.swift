import Netlink

/// A rule message read in place, for a renderer that needs no `Rule`: the iptables-save fast path turns
/// the expressions iptables-nft writes for nearly every rule straight into text, without building the
/// `[Expression]` array, its payload arrays and the statements in between (for a 218,000-rule ruleset that
/// was a third of the CPU time of a read).
///
/// It accepts only what `Rule(message:)` accepts (the same attribute bounds, padding and exact integer
/// lengths), and reports "no" rather than an error for anything else: its caller then decodes the `Rule`,
/// which gives the error. Positions are offsets into `bytes` (0-based) and are read through a `Span`, so
/// walking a rule touches no reference counts.
package struct RuleMessageBytes {
    /// The message payload after the netlink header.
    package let bytes: ArraySlice<UInt8>
    package let family: NFTFamily
    /// The chain attribute up to its NUL.
    package let chain: Range<Int>
    /// `NFTA_RULE_USERDATA`, when present.
    package let userdata: Range<Int>?
    private let expressions: Range<Int>?

    /// `nil` when the message is not a well-formed rule.
    package init?(message: NetlinkMessage) {
        let bytes = message.payload
        self.bytes = bytes
        let span = bytes.span
        guard span.count >= NFTMessage.familyHeaderSize else { return nil }
        family = NFTFamily(rawValue: span[0])
        var table = false, handle = false, position = true
        var chain: Range<Int>?, userdata: Range<Int>?, expressions: Range<Int>?
        let valid = Self.walk(span, NFTMessage.familyHeaderSize..<span.count) { type, payload in
            switch type {
            case 1: table = true
            case 2: chain = payload
            case 3: handle = payload.count == 8
            case 4: expressions = payload
            case 6: position = payload.count == 8
            case 7: userdata = payload
            default: break
            }
        }
        guard valid, table, handle, position, let chain else { return nil }
        var end = chain.lowerBound
        while end < chain.upperBound, span[end] != 0 { end += 1 }
        self.chain = chain.lowerBound..<end
        self.userdata = userdata
        self.expressions = expressions
    }

    /// The bytes at `range`.
    package subscript(range: Range<Int>) -> ArraySlice<UInt8> {
        bytes[(bytes.startIndex + range.lowerBound)..<(bytes.startIndex + range.upperBound)]
    }

    /// Calls `body` with each expression in order until it returns false; returns whether every
    /// expression was well formed and accepted (true for a rule without expressions).
    package func forEachExpression(_ body: (ExpressionFields) -> Bool) -> Bool {
        guard let expressions else { return true }
        let span = bytes.span
        var accepted = true
        let valid = Self.walk(span, expressions) { type, element in
            guard accepted, type == 1 else { return }
            accepted = body(Self.expression(span, element))
        }
        return valid && accepted
    }

    /// One `NFTA_LIST_ELEM`: its name and `NFTA_EXPR_DATA` read as `ExpressionFields`.
    private static func expression(_ span: borrowing Span<UInt8>, _ element: Range<Int>) -> ExpressionFields {
        var name: Range<Int>?, data: Range<Int>?
        guard walk(span, element, { type, payload in
            if type == 1 { name = payload } else if type == 2 { data = payload }
        }), let name else { return .malformed }
        // `CommonExpressionName` reads a slice; the few bytes of a name are copied to a small inline value.
        var key: UInt64 = 0, count = 0
        var index = name.lowerBound
        while index < name.upperBound, span[index] != 0 {
            if count < 8 { key |= UInt64(span[index]) << (8 * UInt64(count)) }
            count += 1
            index += 1
        }
        let ninth: UInt8 = count > 8 ? span[name.lowerBound + 8] : 0
        guard let kind = CommonExpressionName(length: count, firstEight: key, ninth: ninth) else { return .other }
        var fields = AttributeSlots()
        guard walk(span, data ?? element.upperBound..<element.upperBound, { fields[$0] = $1 }) else { return .malformed }
        return fields.expression(kind, span)
    }

    /// Walks the attributes in `range` as `ExpressionAttributes` validates them: every length at least 4
    /// and inside the range, a tail shorter than a header only zero padding. False when malformed.
    static func walk(_ span: borrowing Span<UInt8>, _ range: Range<Int>,
                     _ body: (_ type: Int, _ payload: Range<Int>) -> Void) -> Bool {
        var offset = range.lowerBound
        while range.upperBound - offset >= 4 {
            let length = Int(span[offset]) | Int(span[offset + 1]) << 8
            let type = Int(span[offset + 2]) | Int(span[offset + 3] & 0x3f) << 8
            guard length >= 4, length <= range.upperBound - offset else { return false }
            body(type, (offset + 4)..<(offset + length))
            offset += min((length + 3) & ~3, range.upperBound - offset)
        }
        while offset < range.upperBound {
            if span[offset] != 0 { return false }
            offset += 1
        }
        return true
    }
}

/// One expression of a rule message in place: the kinds iptables-nft writes for nearly every rule, with
/// their data as positions in the message; `.other` for any other expression or a write (payload/meta
/// set, bitwise shift, data immediate), `.malformed` where decoding the `Expression` would throw.
package enum ExpressionFields {
    case payloadLoad(base: PayloadBase, offset: UInt32, length: UInt32, destination: Register)
    case metaLoad(key: MetaKey, destination: Register)
    case maskXor(source: Register, destination: Register, mask: Range<Int>, xor: Range<Int>)
    case cmp(source: Register, op: CmpOp, value: Range<Int>)
    case verdict(code: Verdict.Code, chain: Range<Int>?)
    case counter
    case match(name: Range<Int>, revision: UInt8, info: Range<Int>)
    case target(name: Range<Int>, revision: UInt8, info: Range<Int>)
    case other
    case malformed
}

/// An expression's attributes by type (1…7, last one winning), as positions.
private struct AttributeSlots {
    private var starts = SIMD8<Int32>(repeating: -1)
    private var ends = SIMD8<Int32>(repeating: -1)

    subscript(type: Int) -> Range<Int>? {
        get {
            guard type < 8, starts[type] >= 0 else { return nil }
            return Int(starts[type])..<Int(ends[type])
        }
        set {
            guard type < 8 else { return }
            starts[type] = Int32(truncatingIfNeeded: newValue?.lowerBound ?? -1)
            ends[type] = Int32(truncatingIfNeeded: newValue?.upperBound ?? -1)
        }
    }

    /// A network-order u32 of exactly 4 bytes; `.some(nil)` when absent, `nil` when malformed.
    private func u32(_ type: Int, _ span: borrowing Span<UInt8>) -> UInt32?? {
        guard let range = self[type] else { return .some(nil) }
        guard range.count == 4 else { return nil }
        var value: UInt32 = 0
        for index in range { value = value << 8 | UInt32(span[index]) }
        return .some(value)
    }

    private func required(_ type: Int, _ span: borrowing Span<UInt8>) -> UInt32? {
        guard case .some(.some(let value)) = u32(type, span) else { return nil }
        return value
    }

    private func register(_ type: Int, _ span: borrowing Span<UInt8>) -> Register? {
        required(type, span).map(Register.init(rawValue:))
    }

    func expression(_ kind: CommonExpressionName, _ span: borrowing Span<UInt8>) -> ExpressionFields {
        switch kind {
        case .cmp:
            guard let source = register(1, span), let op = required(2, span),
                  let value = dataValue(3, span), let value else { return .malformed }
            return .cmp(source: source, op: CmpOp(rawValue: op), value: value)
        case .meta:
            guard let key = required(2, span), case .some(let setSource) = u32(3, span) else { return .malformed }
            if setSource != nil { return .other }
            guard let destination = register(1, span) else { return .malformed }
            return .metaLoad(key: MetaKey(rawValue: key), destination: destination)
        case .payload:
            guard let base = required(2, span), let offset = required(3, span), let length = required(4, span),
                  case .some(let writeSource) = u32(5, span) else { return .malformed }
            if writeSource != nil { return .other }
            guard let destination = register(1, span) else { return .malformed }
            return .payloadLoad(base: PayloadBase(rawValue: base), offset: offset, length: length, destination: destination)
        case .counter:
            if let bytes = self[1], bytes.count != 8 { return .malformed }
            if let packets = self[2], packets.count != 8 { return .malformed }
            return .counter
        case .immediate:
            guard register(1, span) != nil, let data = self[2] else { return .malformed }
            return Self.verdict(span, data)
        case .match, .target:
            guard let name = self[1], let revision = required(2, span), revision <= 255 else { return .malformed }
            let info = self[3] ?? 0..<0
            return kind == .match ? .match(name: name, revision: UInt8(revision), info: info)
                : .target(name: name, revision: UInt8(revision), info: info)
        case .bitwise:
            guard register(1, span) != nil, register(2, span) != nil, required(3, span) != nil,
                  case .some(let op) = u32(6, span) else { return .malformed }
            guard op ?? 0 == 0 else { return .other }
            guard let source = register(1, span), let destination = register(2, span),
                  let mask = dataValue(4, span), let mask, let xor = dataValue(5, span), let xor else { return .malformed }
            return .maskXor(source: source, destination: destination, mask: mask, xor: xor)
        }
    }

    /// `nft_data` of attribute `type` as a value (at most 64 bytes): `.some(nil)` when it holds a verdict
    /// instead (not a value), `nil` when absent or malformed.
    private func dataValue(_ type: Int, _ span: borrowing Span<UInt8>) -> Range<Int>?? {
        guard let data = self[type] else { return nil }
        var value: Range<Int>?, verdict = false
        guard RuleMessageBytes.walk(span, data, { type, payload in
            if type == 1 { value = payload } else if type == 2 { verdict = true }
        }) else { return nil }
        if let value { return value.count <= 64 ? .some(value) : nil }
        return verdict ? .some(nil) : nil
    }

    /// The verdict of an immediate's `nft_data`: `.other` for a data value, `.malformed` where decoding
    /// would throw.
    private static func verdict(_ span: borrowing Span<UInt8>, _ data: Range<Int>) -> ExpressionFields {
        var value: Range<Int>?, verdict: Range<Int>?
        guard RuleMessageBytes.walk(span, data, { type, payload in
            if type == 1 { value = payload } else if type == 2 { verdict = payload }
        }) else { return .malformed }
        if let value { return value.count <= 64 ? .other : .malformed }
        guard let verdict else { return .malformed }
        var code: Range<Int>?, chain: Range<Int>?
        guard RuleMessageBytes.walk(span, verdict, { type, payload in
            if type == 1 { code = payload } else if type == 2 { chain = payload }
        }), let code, code.count == 4 else { return .malformed }
        var raw: UInt32 = 0
        for index in code { raw = raw << 8 | UInt32(span[index]) }
        return .verdict(code: Verdict.Code(rawValue: Int32(bitPattern: raw)), chain: chain)
    }
}
