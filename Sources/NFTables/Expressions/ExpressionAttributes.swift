import NetCore
import Netlink

/// The attributes of one nf_tables object or expression, keyed by type, with nf_tables' conventions:
/// integers are in network byte order (`NLA_U32` sent through `htonl`), strings are NUL-terminated, and
/// data is nested as `NFTA_DATA_VALUE` or `NFTA_DATA_VERDICT`.
struct ExpressionAttributes {
    /// Attributes by type, last one winning. nf_tables attribute types are small (< 24), so a flat array
    /// indexed by type replaces a dictionary: decoding a 200,000-rule ruleset walks millions of these.
    let table: Slots
    let path: String

    init(_ attributes: NetlinkAttributes) throws {
        var slots = Slots()
        var cursor = attributes.makeCursor()
        while let attribute = try cursor.next() { slots[attribute.type] = attribute }
        self.table = slots
        self.path = attributes.path
    }

    struct Slots {
        /// Sized once for the common case (every nf_tables expression uses types below 12).
        private var storage = [NetlinkAttribute?](repeating: nil, count: 12)

        subscript(type: UInt16) -> NetlinkAttribute? {
            get { Int(type) < storage.count ? storage[Int(type)] : nil }
            set {
                if Int(type) >= storage.count {
                    guard newValue != nil else { return }
                    storage.append(contentsOf: repeatElement(nil, count: Int(type) + 1 - storage.count))
                }
                storage[Int(type)] = newValue
            }
        }
    }

    func has(_ type: UInt16) -> Bool { table[type] != nil }

    func u8(_ type: UInt16) throws -> UInt8? { try table[type]?.u8() }
    func u16(_ type: UInt16) throws -> UInt16? { try table[type]?.u16BigEndian() }
    func u32(_ type: UInt16) throws -> UInt32? { try table[type]?.u32BigEndian() }
    func u64(_ type: UInt16) throws -> UInt64? { try table[type]?.u64BigEndian() }
    func string(_ type: UInt16) -> String? { table[type]?.string }
    func bytes(_ type: UInt16) -> [UInt8]? { table[type].map { Array($0.payload) } }
    /// The attributes nested in `type`, keeping the parent's path (built only when an error needs it).
    func nested(_ type: UInt16) -> NetlinkAttributes? {
        table[type].map { NetlinkAttributes($0.payload, path: $0.parentPath) }
    }

    /// A required attribute: missing is a `DecodeError` naming it.
    func required<T>(_ type: UInt16, _ name: String, _ get: (UInt16) throws -> T?) throws -> T {
        guard let value = try get(type) else {
            throw DecodeError(path: "\(path).\(name)", offset: 0, reason: "missing attribute")
        }
        return value
    }

    func requiredU32(_ type: UInt16, _ name: String) throws -> UInt32 { try required(type, name, u32) }

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
        guard case .value(let bytes)? = try data(type) else {
            throw DecodeError(path: "\(path).\(name)", offset: 0, reason: "missing value data")
        }
        return bytes
    }
}

extension NFTData {
    /// Decodes `nft_data_attributes`: exactly one of a value (at most 64 bytes) or a verdict.
    init(decoding attributes: NetlinkAttributes) throws {
        var value: NetlinkAttribute?
        var verdict: NetlinkAttribute?
        var cursor = attributes.makeCursor()
        while let attribute = try cursor.next() {
            if attribute.type == 1 { value = attribute } else if attribute.type == 2 { verdict = attribute }
        }
        if let value {
            guard value.payload.count <= 64 else {
                throw DecodeError(path: value.path, offset: 0, reason: "data value of \(value.payload.count) bytes")
            }
            self = .value(Array(value.payload))
        } else if let verdict {
            var code: NetlinkAttribute?
            var chain: NetlinkAttribute?
            var fields = NetlinkAttributes(verdict.payload, path: verdict.parentPath).makeCursor()
            while let field = try fields.next() {
                if field.type == 1 { code = field } else if field.type == 2 { chain = field }
            }
            guard let code else {
                throw DecodeError(path: verdict.path, offset: 0, reason: "verdict without code")
            }
            let raw = Int32(bitPattern: try code.u32BigEndian())
            self = .verdict(Verdict(code: Verdict.Code(rawValue: raw), chain: chain?.string))
        } else {
            throw DecodeError(path: attributes.path, offset: 0, reason: "data with neither value nor verdict")
        }
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
