import NetCore
import Netlink
import NFTables
import Simulator
import Xtables

/// ``RuleKey`` read straight from a rule's netlink message, without decoding the rule: the walk follows
/// `ChainDispatch.key` expression by expression (payload and meta loads, `cmp eq`, counters, decodable
/// comments) over the raw `NFTA_RULE_EXPRESSIONS` list. Anything it does not recognise, or cannot read,
/// gives nil (the rule is then always a candidate, and decoding it reports any malformation), so it can
/// only be more cautious than the decoded key, never less; tests check that both agree on real
/// kube-proxy rulesets. It allocates nothing but the key: no attribute paths, no tables.
enum RawRuleKey {
    // NFTA_RULE_EXPRESSIONS; NFTA_LIST_ELEM; NFTA_EXPR_NAME / _DATA (linux/netfilter/nf_tables.h).
    static let expressionsAttribute: UInt16 = 4
    static let listElement: UInt16 = 1
    static let expressionName: UInt16 = 1
    static let expressionData: UInt16 = 2

    static func key(of message: NetlinkMessage, family: NFTFamily) -> RuleKey? {
        guard family == .ip || family == .ip6, message.payload.count >= NFTMessage.familyHeaderSize else { return nil }
        let attributes = message.payload.dropFirst(NFTMessage.familyHeaderSize)
        guard let expressions = RawAttributes(attributes).first(expressionsAttribute) else { return nil }
        return walk(expressions, family: family)
    }

    private enum Field { case destination, proto, port }

    private static func walk(_ expressions: ArraySlice<UInt8>, family: NFTFamily) -> RuleKey? {
        let addressOffset: UInt32 = family == .ip ? 16 : 24, addressLength: UInt32 = family == .ip ? 4 : 16
        var destination: ArraySlice<UInt8>?, proto: UInt8?, port: ArraySlice<UInt8>?
        // Register → the field loaded into it, as ChainDispatch.key keeps it (at most a few at a time).
        var loaded: [(register: UInt32, field: Field)] = []
        func finish() -> RuleKey? {
            guard let destination, let proto, let port else { return nil }
            return RuleKey(destination: Array(destination), proto: proto, port: Array(port))
        }
        var list = RawAttributes(expressions)
        while let element = list.next() {
            guard element.type == listElement, !list.failed else { return nil }
            let fields = FirstFive(element.payload)
            guard !fields.malformed, let nameBytes = fields[expressionName] else { return nil }
            let data = FirstFive(fields[expressionData] ?? [])
            guard !data.malformed else { return nil }
            switch name(nameBytes) {
            case .payload:
                // NFTA_PAYLOAD_DREG 1, BASE 2, OFFSET 3, LEN 4 (big-endian); a write (SREG 5) has an effect.
                guard !data.has(5), let register = data.u32(1), let base = data.u32(2),
                      let offset = data.u32(3), let length = data.u32(4) else { return nil }
                loaded.removeAll { $0.register == register }
                if base == 1, offset == addressOffset, length == addressLength {
                    loaded.append((register, .destination))
                } else if base == 2, offset == 2, length == 2 {
                    loaded.append((register, .port))
                } else {
                    return finish()
                }
            case .meta:
                // NFTA_META_DREG 1, KEY 2, SREG 3 (a set); NFT_META_L4PROTO is 16.
                guard !data.has(3), let register = data.u32(1), data.u32(2) == 16 else { return finish() }
                loaded.removeAll { $0.register == register }
                loaded.append((register, .proto))
            case .cmp:
                // NFTA_CMP_SREG 1, OP 2 (NFT_CMP_EQ 0), DATA 3 holding NFTA_DATA_VALUE 1.
                guard let register = data.u32(1), data.u32(2) == 0,
                      let slot = loaded.firstIndex(where: { $0.register == register }) else { return finish() }
                guard let valueAttributes = data[3], let value = RawAttributes(valueAttributes).first(1) else { return nil }
                switch loaded[slot].field {
                case .destination where value.count == Int(addressLength): destination = value
                case .port where value.count == 2: port = value
                case .proto where value.count == 1: proto = value[value.startIndex]
                default: return finish()
                }
                loaded.remove(at: slot)
            case .counter:
                continue
            case .match:
                // NFTA_MATCH_NAME 1, REV 2 (big-endian u32), INFO 3: only a comment that decodes.
                guard let matchName = data[1], name(matchName) == .comment, let revision = data.u32(2),
                      revision <= UInt32(UInt8.max), let info = data[3] else { return finish() }
                let ext = XtExtension(name: "comment", revision: UInt8(revision), info: Array(info))
                guard case .comment = try? XtMatch.decode(ext, family: family == .ip ? .ipv4 : .ipv6) else { return finish() }
            case .comment, .other:
                return finish()
            }
        }
        return list.failed ? nil : finish()
    }

    private enum Name { case payload, meta, cmp, counter, match, comment, other }

    /// An expression or match name (NUL-terminated), compared without building a String.
    private static func name(_ bytes: ArraySlice<UInt8>) -> Name {
        let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
        let text = bytes[bytes.startIndex..<end]
        for (candidate, spelling) in names where text.count == spelling.count {
            if zip(text, spelling).allSatisfy({ $0 == $1 }) { return candidate }
        }
        return .other
    }

    private static let names: [(Name, [UInt8])] = [
        (.payload, Array("payload".utf8)), (.cmp, Array("cmp".utf8)), (.meta, Array("meta".utf8)),
        (.counter, Array("counter".utf8)), (.match, Array("match".utf8)), (.comment, Array("comment".utf8)),
    ]
}

/// Attributes 1 to 5 of a nest, found in one walk; `malformed` when a length is wrong or a type repeats
/// (either way the caller gives up on the key). Higher types are skipped. Positions are kept as plain
/// offsets (trivial to copy), the bytes once.
private struct FirstFive {
    private let bytes: ArraySlice<UInt8>
    /// Start and end offset of attribute type i + 1's payload; start -1 when absent.
    private var starts: (Int, Int, Int, Int, Int) = (-1, -1, -1, -1, -1)
    private var ends: (Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0)
    private(set) var malformed = false

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        var offset = bytes.startIndex
        while bytes.endIndex - offset >= 4 {
            let length = Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
            let type = (Int(bytes[offset + 2]) | Int(bytes[offset + 3]) << 8) & 0x3fff
            guard length >= 4, length <= bytes.endIndex - offset else { malformed = true; return }
            let range = (offset + 4, offset + length)
            switch type {
            case 1: if starts.0 < 0 { (starts.0, ends.0) = range } else { malformed = true }
            case 2: if starts.1 < 0 { (starts.1, ends.1) = range } else { malformed = true }
            case 3: if starts.2 < 0 { (starts.2, ends.2) = range } else { malformed = true }
            case 4: if starts.3 < 0 { (starts.3, ends.3) = range } else { malformed = true }
            case 5: if starts.4 < 0 { (starts.4, ends.4) = range } else { malformed = true }
            default: break
            }
            offset = min(bytes.endIndex, offset + netlinkAligned(length))
        }
        if offset != bytes.endIndex { malformed = true }
    }

    private func range(_ type: UInt16) -> (Int, Int)? {
        let found: (Int, Int)
        switch type {
        case 1: found = (starts.0, ends.0)
        case 2: found = (starts.1, ends.1)
        case 3: found = (starts.2, ends.2)
        case 4: found = (starts.3, ends.3)
        case 5: found = (starts.4, ends.4)
        default: return nil
        }
        return found.0 < 0 ? nil : found
    }

    subscript(type: UInt16) -> ArraySlice<UInt8>? {
        guard let (start, end) = range(type) else { return nil }
        return bytes[start..<end]
    }

    func has(_ type: UInt16) -> Bool { range(type) != nil }

    /// A big-endian 32-bit attribute of exactly four bytes.
    func u32(_ type: UInt16) -> UInt32? {
        guard let (start, end) = range(type), end - start == 4 else { return nil }
        return UInt32(bytes[start]) << 24 | UInt32(bytes[start + 1]) << 16 | UInt32(bytes[start + 2]) << 8 | UInt32(bytes[start + 3])
    }
}

/// Netlink attributes walked without allocating: each length is checked against what is left, and a
/// malformed one stops the walk with `failed` set (the caller then gives up on the key).
private struct RawAttributes {
    let bytes: ArraySlice<UInt8>
    var offset: Int
    private(set) var failed = false

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        offset = bytes.startIndex
    }

    mutating func next() -> (type: UInt16, payload: ArraySlice<UInt8>)? {
        guard !failed, bytes.endIndex - offset >= 4 else {
            if bytes.endIndex - offset > 0 { failed = true }
            return nil
        }
        let length = Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
        let type = (UInt16(bytes[offset + 2]) | UInt16(bytes[offset + 3]) << 8) & 0x3fff  // without NLA_F_NESTED/NET_BYTEORDER
        guard length >= 4, length <= bytes.endIndex - offset else { failed = true; return nil }
        let payload = bytes[(offset + 4)..<(offset + length)]
        offset = min(bytes.endIndex, offset + netlinkAligned(length))
        return (type, payload)
    }

    /// The payload of the only attribute of a type; nil when it is missing, repeated, or the walk fails.
    func first(_ type: UInt16) -> ArraySlice<UInt8>? {
        var walk = self
        var found: ArraySlice<UInt8>?
        while let attribute = walk.next() {
            guard attribute.type == type else { continue }
            guard found == nil else { return nil }
            found = attribute.payload
        }
        return walk.failed ? nil : found
    }

}
