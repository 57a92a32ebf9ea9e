import NetCore
import Netlink

extension Expression {
    /// Decodes one `NFTA_LIST_ELEM` of `NFTA_RULE_EXPRESSIONS` (`NFTA_EXPR_NAME` + `NFTA_EXPR_DATA`).
    ///
    /// An unknown name is kept raw; a known name with malformed attributes throws `DecodeError`.
    public init(decoding element: NetlinkAttributes) throws {
        let fields = try ExpressionAttributes(element)
        guard let nameBytes = fields.payload(1) else {
            throw DecodeError(path: element.path, offset: 0, reason: "expression without a name")
        }
        let data = fields.nested(2) ?? NetlinkAttributes([], path: element.path)
        do {
            if let common = try Expression.decodeCommon(nameBytes, data) {
                self = common
            } else {
                self = try Expression.decode(name: nameBytes.nulTerminatedString, data)
            }
        } catch let error as DecodeError {
            // Paths are built only here, on failure: `rule.expressions[3].cmp`.
            throw DecodeError(path: "\(element.path).\(nameBytes.nulTerminatedString)", offset: error.offset,
                              reason: "\(error.reason) (\(error.path))")
        }
    }

    /// The expressions nearly every iptables-nft rule is made of, recognised on the name's bytes: no name
    /// `String` is built and no chain of string comparisons runs for them, which for a 200,000-rule ruleset
    /// is a million of each. `nil` for any other name (`decode(name:_:)` takes it).
    static func decodeCommon(_ name: ArraySlice<UInt8>, _ data: NetlinkAttributes) throws -> Expression? {
        switch CommonExpressionName(name) {
        case .cmp: return .cmp(try Cmp(ExpressionAttributes(data)))
        case .meta: return .meta(try Meta(ExpressionAttributes(data)))
        case .match: return .match(try CompatExtension(ExpressionAttributes(data)))
        case .target: return .target(try CompatExtension(ExpressionAttributes(data)))
        case .payload: return .payload(try Payload(ExpressionAttributes(data)))
        case .counter: return .counter(try Counter(ExpressionAttributes(data)))
        case .immediate: return .immediate(try Immediate(ExpressionAttributes(data)))
        case .bitwise, nil: return nil
        }
    }

    static func decode(name: String, _ data: NetlinkAttributes) throws -> Expression {
        let a = try ExpressionAttributes(data)
        // The names kube-proxy's and iptables-nft's rules use most come first: a string switch tests its
        // cases in order, for every expression of every rule.
        switch name {
        case "payload": return .payload(try Payload(a))
        case "cmp": return .cmp(try Cmp(a))
        case "meta": return .meta(try Meta(a))
        case "immediate": return .immediate(try Immediate(a))
        case "counter": return .counter(try Counter(a))
        case "match": return .match(try CompatExtension(a))
        case "target": return .target(try CompatExtension(a))
        case "bitwise": return .bitwise(try Bitwise(a))
        case "lookup": return .lookup(try Lookup(a))
        case "ct": return .ct(try Ct(a))
        case "byteorder": return .byteorder(try Byteorder(a))
        case "range": return .range(try Range(a))
        case "dynset": return .dynset(try Dynset(a))
        case "nat": return .nat(try Nat(a))
        case "masq": return .masq(try Masq(a))
        case "redir": return .redir(try Redir(a))
        case "reject": return .reject(try Reject(a))
        case "log": return .log(try Log(a))
        case "limit": return .limit(try Limit(a))
        case "quota": return .quota(try Quota(a))
        case "numgen": return .numgen(try Numgen(a))
        case "hash": return .hash(try Hash(a))
        case "fib": return .fib(try Fib(a))
        case "socket": return .socket(try Socket(a))
        case "tproxy": return .tproxy(try Tproxy(a))
        case "exthdr": return .exthdr(try Exthdr(a))
        case "rt": return .rt(try Rt(a))
        case "objref": return .objref(try Objref(a))
        case "connlimit": return .connlimit(try Connlimit(a))
        case "notrack": return .notrack
        case "queue": return .queue(try Queue(a))
        default: return .unknown(name: name, raw: Array(data.bytes))
        }
    }

    /// Decodes `NFTA_RULE_EXPRESSIONS` (or any `NFTA_LIST_ELEM` list of expressions), in order.
    public static func list(decoding attributes: NetlinkAttributes) throws -> [Expression] {
        var result: [Expression] = []
        // Most rules hold 5 to 8 expressions: one allocation of what growing through 1, 2, 4 would end at.
        result.reserveCapacity(8)
        var cursor = attributes.makeCursor()
        while let element = try cursor.next() {
            guard element.type == 1 else { continue }
            do {
                result.append(try Expression(decoding: NetlinkAttributes(element.payload, path: attributes.path)))
            } catch let error as DecodeError where error.path.hasPrefix(attributes.path) {
                // `rule.expressions.cmp` becomes `rule.expressions[3].cmp`.
                let suffix = error.path.dropFirst(attributes.path.count)
                throw DecodeError(path: "\(attributes.path)[\(result.count)]\(suffix)", offset: error.offset,
                                  reason: error.reason)
            }
        }
        return result
    }
}

extension CompatExtension {
    /// `NFTA_MATCH_NAME`/`NFTA_TARGET_NAME` (1), `_REV` (2, u32), `_INFO` (3): the same numbers for both.
    init(_ a: ExpressionAttributes) throws {
        name = try a.required(1, "name") { a.string($0) }
        let revision = try a.requiredU32(2, "rev")
        guard revision <= UInt32(UInt8.max) else {
            throw DecodeError(path: a.path + ".rev", offset: 0, reason: "revision \(revision) above 255")
        }
        self.revision = UInt8(revision)
        info = a.bytes(3) ?? []
    }
}

/// The expression names iptables-nft writes for nearly every rule, told apart by length and the first 8
/// bytes packed little-endian (a generic byte-by-byte comparison cost as much as the `String` it replaced).
enum CommonExpressionName {
    case cmp, meta, match, target, payload, counter, immediate, bitwise

    init?(_ name: ArraySlice<UInt8>) {
        var key: UInt64 = 0
        var count = 0
        for byte in name {
            if byte == 0 { break }
            if count < 8 { key |= UInt64(byte) << (8 * UInt64(count)) }
            count += 1
        }
        self.init(length: count, firstEight: key, ninth: count > 8 ? name[name.startIndex + 8] : 0)
    }

    /// A name of `length` bytes before its NUL, the first 8 packed little-endian, and its ninth byte.
    init?(length: Int, firstEight key: UInt64, ninth: UInt8) {
        switch (length, key) {
        case (3, 0x706d63): self = .cmp                                              // "cmp"
        case (4, 0x6174656d): self = .meta                                           // "meta"
        case (5, 0x686374616d): self = .match                                        // "match"
        case (6, 0x746567726174): self = .target                                     // "target"
        case (7, 0x64616f6c796170): self = .payload                                  // "payload"
        case (7, 0x7265746e756f63): self = .counter                                  // "counter"
        case (7, 0x65736977746962): self = .bitwise                                  // "bitwise"
        case (9, 0x74616964656d6d69) where ninth == 0x65: self = .immediate          // "immediate"
        default: return nil
        }
    }
}
