import NetCore
import Netlink

/// The attributes of one nf_tables object or expression, keyed by type, with nf_tables' conventions:
/// integers are in network byte order (`NLA_U32` sent through `htonl`), strings are NUL-terminated, and
/// data is nested as `NFTA_DATA_VALUE` or `NFTA_DATA_VERDICT`.
struct ExpressionAttributes {
    let bytes: ArraySlice<UInt8>
    let path: String
    /// Payload bounds by attribute type, last one winning: `starts[type]` is the start (absolute index into
    /// `bytes`, -1 when absent), `ends[type]` the end. nf_tables attribute types are small, so fixed inline
    /// storage replaces a dictionary, and no attribute value (slice + path) is copied per type: decoding a
    /// 200,000-rule ruleset walks millions of these, and the inline storage keeps each walk off the heap.
    /// SIMD vectors rather than an `InlineArray`: reading one element of an `InlineArray` property copied
    /// all 192 bytes of it (three `memcpy` calls per `payload`, 4% of a whole ruleset read), while a vector
    /// element is one extract. 16 types cover rules, chains, tables and every expression; types from
    /// `inlineTypes` on (a set's handle and expressions) and offsets past `Int32.max` go to `overflow`.
    private var starts = SIMD16<Int32>(repeating: -1)
    private var ends = SIMD16<Int32>(repeating: -1)
    private var overflow: [Int] = []
    private static let inlineTypes = 16

    init(_ attributes: NetlinkAttributes) throws {
        bytes = attributes.bytes
        path = attributes.path
        // The same validation as NetlinkAttributes.Cursor: every length inside the buffer, a tail of zero
        // padding tolerated.
        var offset = bytes.startIndex
        while bytes.endIndex - offset >= 4 {
            let length = Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
            let type = Int(bytes[offset + 2]) | Int(bytes[offset + 3] & 0x3f) << 8
            guard length >= 4, length <= bytes.endIndex - offset else {
                throw DecodeError(path: "\(path).attr[\(type)]", offset: offset - bytes.startIndex,
                                  reason: "attribute length \(length) outside 4...\(bytes.endIndex - offset)")
            }
            if type < Self.inlineTypes, offset + length <= Int(Int32.max) {
                starts[type] = Int32(truncatingIfNeeded: offset + 4)
                ends[type] = Int32(truncatingIfNeeded: offset + length)
            } else {
                if type < Self.inlineTypes { starts[type] = -1 }
                if 2 * type + 1 >= overflow.count {
                    overflow.append(contentsOf: repeatElement(-1, count: 2 * type + 2 - overflow.count))
                }
                overflow[2 * type] = offset + 4
                overflow[2 * type + 1] = offset + length
            }
            offset += min((length + 3) & ~3, bytes.endIndex - offset)
        }
        if offset < bytes.endIndex, bytes[offset...].contains(where: { $0 != 0 }) {
            throw DecodeError(path: path, offset: offset - bytes.startIndex,
                              reason: "\(bytes.endIndex - offset) trailing bytes, too short for an attribute header")
        }
    }

    /// The payload of attribute `type`.
    func payload(_ type: UInt16) -> ArraySlice<UInt8>? {
        let index = 2 * Int(type)
        if Int(type) < Self.inlineTypes {
            let start = starts[Int(type)]
            if start >= 0 { return bytes[Int(start)..<Int(ends[Int(type)])] }
        }
        guard index + 1 < overflow.count, overflow[index] >= 0 else { return nil }
        return bytes[overflow[index]..<overflow[index + 1]]
    }

    func has(_ type: UInt16) -> Bool { payload(type) != nil }

    private func integer<T: FixedWidthInteger>(_ type: UInt16, _: T.Type) throws -> T? {
        guard let payload = payload(type) else { return nil }
        guard payload.count == MemoryLayout<T>.size else {
            throw DecodeError(path: "\(path).attr[\(type)]", offset: 0,
                              reason: "expected \(MemoryLayout<T>.size) bytes, got \(payload.count)")
        }
        return payload.reduce(T(0)) { $0 << 8 | T($1) }
    }

    func u8(_ type: UInt16) throws -> UInt8? { try integer(type, UInt8.self) }
    func u16(_ type: UInt16) throws -> UInt16? { try integer(type, UInt16.self) }
    func u32(_ type: UInt16) throws -> UInt32? { try integer(type, UInt32.self) }
    func u64(_ type: UInt16) throws -> UInt64? { try integer(type, UInt64.self) }
    func string(_ type: UInt16) -> String? { payload(type)?.nulTerminatedString }
    /// The string of attribute `type`, as `known` itself when the bytes spell it: a chain's rules all name
    /// the chain, and reusing the caller's string spares one allocation per rule for names past 15 bytes.
    func string(_ type: UInt16, reusing known: String?) -> String? {
        guard let payload = payload(type) else { return nil }
        if var known {
            let end = payload.firstIndex(of: 0) ?? payload.endIndex
            let matches = known.withUTF8 { $0.elementsEqual(payload[payload.startIndex..<end]) }
            if matches { return known }
        }
        return payload.nulTerminatedString
    }
    func bytes(_ type: UInt16) -> [UInt8]? { payload(type).map { Array($0) } }
    /// The attributes nested in `type`, keeping this object's path (built further only on errors).
    func nested(_ type: UInt16) -> NetlinkAttributes? {
        payload(type).map { NetlinkAttributes($0, path: path) }
    }

    /// A required attribute: missing is a `DecodeError` naming it.
    func required<T>(_ type: UInt16, _ name: String, _ get: (UInt16) throws -> T?) throws -> T {
        guard let value = try get(type) else {
            throw DecodeError(path: "\(path).\(name)", offset: 0, reason: "missing attribute")
        }
        return value
    }

    /// Without `required`'s closure: a partially applied `u32` would copy these attributes on every call.
    func requiredU32(_ type: UInt16, _ name: String) throws -> UInt32 {
        guard let value = try u32(type) else {
            throw DecodeError(path: "\(path).\(name)", offset: 0, reason: "missing attribute")
        }
        return value
    }

    /// A register attribute (`NFTA_*_SREG`, `NFTA_*_DREG`).
    func register(_ type: UInt16) throws -> Register? { try u32(type).map(Register.init(rawValue:)) }
    func requiredRegister(_ type: UInt16, _ name: String) throws -> Register {
        Register(rawValue: try requiredU32(type, name))
    }

    /// Nested `nft_data` (`NFTA_DATA_VALUE` / `NFTA_DATA_VERDICT`).
    func data(_ type: UInt16) throws -> NFTData? {
        guard let nested = nested(type) else { return nil }
        return try NFTData(decoding: nested)
    }

    func requiredValue(_ type: UInt16, _ name: String) throws -> [UInt8] {
        Array(try requiredValueSlice(type, name))
    }

    /// The same value in place (no array): what `requiredValue` checks, it checks.
    func requiredValueSlice(_ type: UInt16, _ name: String) throws -> ArraySlice<UInt8> {
        guard let nested = nested(type), let value = try NFTData.value(decoding: nested) else {
            throw DecodeError(path: "\(path).\(name)", offset: 0, reason: "missing value data")
        }
        return value
    }
}

extension NFTData {
    /// Decodes `nft_data_attributes`: exactly one of a value (at most 64 bytes) or a verdict.
    init(decoding attributes: NetlinkAttributes) throws {
        let a = try ExpressionAttributes(attributes)
        if let value = try Self.value(in: a, path: attributes.path) {
            self = .value(Array(value))
        } else if let verdict = a.nested(2) {
            let fields = try ExpressionAttributes(verdict)
            guard let code = try fields.u32(1) else {
                throw DecodeError(path: attributes.path + ".verdict", offset: 0, reason: "verdict without code")
            }
            self = .verdict(Verdict(code: Verdict.Code(rawValue: Int32(bitPattern: code)), chain: fields.string(2)))
        } else {
            throw DecodeError(path: attributes.path, offset: 0, reason: "data with neither value nor verdict")
        }
    }

    /// The value of `nft_data_attributes` in place; `nil` when it holds a verdict. Throws where
    /// `init(decoding:)` throws on a value.
    static func value(decoding attributes: NetlinkAttributes) throws -> ArraySlice<UInt8>? {
        let a = try ExpressionAttributes(attributes)
        guard let value = try value(in: a, path: attributes.path) else {
            guard a.nested(2) != nil else {
                throw DecodeError(path: attributes.path, offset: 0, reason: "data with neither value nor verdict")
            }
            return nil
        }
        return value
    }

    /// `NFTA_DATA_VALUE`, at most 64 bytes.
    private static func value(in a: ExpressionAttributes, path: String) throws -> ArraySlice<UInt8>? {
        guard let value = a.payload(1) else { return nil }
        guard value.count <= 64 else {
            throw DecodeError(path: path + ".value", offset: 0, reason: "data value of \(value.count) bytes")
        }
        return value
    }
}

/// An nf_tables register (`NFTA_*_SREG`/`DREG`): 0 is the verdict register, 1…4 the legacy 16-byte
/// registers, 8…23 the 32-bit registers (`NFT_REG32_00`…`NFT_REG32_15`).
public struct Register: RawRepresentable, Hashable, Sendable, Encodable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let verdict = Register(rawValue: 0)

    /// The index of the first 32-bit slot this register names (`nft_parse_register`): NFT_REG_1…4 map to
    /// slots 0, 4, 8, 12; NFT_REG32_00…15 to 0…15. `nil` for the verdict register and out-of-range values.
    public var slot: Int? {
        switch rawValue {
        case 1...4: return Int(rawValue - 1) * 4
        case 8...23: return Int(rawValue - 8)
        default: return nil
        }
    }

    public var description: String { "\(rawValue)" }
}

extension Array where Element == UInt8 {
    /// libnftnl's debug form of data: 32-bit host-order words, `0x0100007f 0x00000000`.
    var debugWords: String {
        var words: [String] = []
        var index = 0
        while index < count {
            var word: UInt32 = 0
            for byte in 0..<4 where index + byte < count {
                word |= UInt32(self[index + byte]) << (8 * byte)
            }
            words.append("0x" + hex8(word))
            index += 4
        }
        return words.joined(separator: " ")
    }
}

/// Eight lower-case hex digits.
func hex8(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: Swift.max(0, 8 - digits.count)) + digits
}
