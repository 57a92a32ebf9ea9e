import NetCore

/// The expression a set's key or data was declared with (`typeof ip saddr . tcp dport`), as nft keeps it in
/// the set's userdata: the kernel only knows datatype ids and lengths, so this is the one place the
/// expression survives.
///
/// Layout (libnftnl `nftnl_udata` records, one byte type and one byte length; integers in host order):
/// `NFTNL_UDATA_SET_KEY_TYPEOF` (3) / `NFTNL_UDATA_SET_DATA_TYPEOF` (4) nest
/// `NFTNL_UDATA_SET_TYPEOF_EXPR` (0, u32 nft expression kind) and `NFTNL_UDATA_SET_TYPEOF_DATA` (1, the
/// kind's own records, below).
public indirect enum SetTypeof: Hashable, Sendable {
    /// A named header field: nft's protocol description id and the field's template index in it
    /// (`ip saddr` is description 12, field 11), or a raw load when the description is 0 (`@nh,16,16`);
    /// `bits` is the field's length when nft wrote one (`ip6 flowlabel`: 20).
    case payload(protocol: UInt32, field: UInt32, bits: UInt32?, raw: RawPayload?)
    /// `meta mark`, `iifname`: the `NFT_META_*` key.
    case meta(key: UInt32)
    /// `ct mark`, `ct original ip saddr`: the `NFT_CT_*` key and direction, when one was given.
    case ct(key: UInt32, direction: UInt8?)
    /// `ip saddr . tcp dport`: at most four parts, as nft writes them.
    case concatenation([SetTypeof])
    /// The data of a verdict map.
    case verdict
    /// An expression kind this decoder does not name (`osf`, `socket`, `rt`, …): kept, not rendered.
    case other(kind: UInt32, records: [UInt8])

    /// A raw payload load (`@base,offset,length` in bits).
    public struct RawPayload: Hashable, Sendable {
        public var base: UInt32
        public var offset: UInt32
        public var length: UInt32

        public init(base: UInt32, offset: UInt32, length: UInt32) {
            self.base = base
            self.offset = offset
            self.length = length
        }
    }

    /// nft's `enum expr_types` values that appear in typeof userdata.
    public enum Kind {
        public static let payload: UInt32 = 7
        public static let meta: UInt32 = 9
        public static let ct: UInt32 = 12
        public static let concatenation: UInt32 = 13
        /// Verdict maps describe their data as a verdict expression with no records.
        public static let verdict: UInt32 = 1
    }

    /// `NFTNL_UDATA_SET_KEY_TYPEOF`, `NFTNL_UDATA_SET_DATA_TYPEOF`, `NFTNL_UDATA_SET_DATA_INTERVAL`.
    public static let keyRecord: UInt8 = 3
    public static let dataRecord: UInt8 = 4
    public static let dataIntervalRecord: UInt8 = 6

    /// Decodes the typeof record of `type` in a set's userdata; nil when the set has none.
    public static func decode(userdata: [UInt8], record type: UInt8) throws -> SetTypeof? {
        let records = try UserdataRecords(userdata, path: "set.userdata")
        guard let record = records.first(type) else { return nil }
        return try decodeNest(record.bytes, path: "set.userdata.typeof[\(type)]")
    }

    /// The `TYPEOF_EXPR` / `TYPEOF_DATA` pair (also the shape of a concatenation's parts).
    static func decodeNest(_ bytes: ArraySlice<UInt8>, path: String) throws -> SetTypeof {
        let records = try UserdataRecords(bytes, path: path)
        guard let kindRecord = records.first(0) else {
            throw DecodeError(path: path, offset: 0, reason: "no expression kind")
        }
        let kind = try kindRecord.u32(path: path + ".kind")
        guard let data = records.first(1) else { throw DecodeError(path: path, offset: 0, reason: "no expression data") }
        return try decodeExpression(kind: kind, data.bytes, path: path + ".data")
    }

    static func decodeExpression(kind: UInt32, _ bytes: ArraySlice<UInt8>, path: String) throws -> SetTypeof {
        let records = try UserdataRecords(bytes, path: path)
        switch kind {
        case Kind.payload:
            // NFTNL_UDATA_SET_KEY_PAYLOAD_DESC 0, _TYPE 1, _BASE 2, _OFFSET 3, _LEN 4.
            guard let desc = records.first(0) else { throw DecodeError(path: path, offset: 0, reason: "payload without protocol") }
            let proto = try desc.u32(path: path + ".desc")
            let field = try records.first(1)?.u32(path: path + ".type") ?? 0
            let bits = try records.first(4)?.u32(path: path + ".len")
            var raw: RawPayload?
            if proto == 0 {
                guard let base = records.first(2), let offset = records.first(3) else {
                    throw DecodeError(path: path, offset: 0, reason: "raw payload without base and offset")
                }
                raw = RawPayload(base: try base.u32(path: path + ".base"), offset: try offset.u32(path: path + ".offset"),
                                 length: bits ?? 0)
            }
            return .payload(protocol: proto, field: field, bits: bits, raw: raw)
        case Kind.meta:
            // NFTNL_UDATA_META_KEY 0.
            guard let key = records.first(0) else { throw DecodeError(path: path, offset: 0, reason: "meta without key") }
            return .meta(key: try key.u32(path: path + ".key"))
        case Kind.ct:
            // NFTNL_UDATA_CT_KEY 0, NFTNL_UDATA_CT_DIR 1 (u32, all ones without a direction).
            guard let key = records.first(0) else { throw DecodeError(path: path, offset: 0, reason: "ct without key") }
            var direction: UInt8?
            if let dir = records.first(1) {
                let value = try dir.u32(path: path + ".dir")
                if value != UInt32.max {
                    guard value <= 1 else { throw DecodeError(path: path + ".dir", offset: dir.offset, reason: "direction \(value)") }
                    direction = UInt8(value)
                }
            }
            return .ct(key: try key.u32(path: path + ".key"), direction: direction)
        case Kind.verdict:
            return .verdict
        case Kind.concatenation:
            // NFTNL_UDATA_SET_KEY_CONCAT_NEST + i, each a kind/data pair; nft writes at most four.
            var parts: [SetTypeof] = []
            for (index, record) in records.all.enumerated() {
                guard Int(record.type) == index, index < 4 else {
                    throw DecodeError(path: path, offset: record.offset, reason: "concatenation part \(record.type) out of order")
                }
                parts.append(try decodeNest(record.bytes, path: path + "[\(index)]"))
            }
            guard !parts.isEmpty else { throw DecodeError(path: path, offset: 0, reason: "empty concatenation") }
            return .concatenation(parts)
        default:
            return .other(kind: kind, records: Array(bytes))
        }
    }
}

/// Strictly walked `nftnl_udata` records: a record that runs past the end is an error (unlike comments,
/// a half-read typeof description must not be printed).
struct UserdataRecords {
    struct Record {
        var type: UInt8
        var offset: Int
        var bytes: ArraySlice<UInt8>

        func u32(path: String) throws -> UInt32 {
            guard bytes.count == 4 else { throw DecodeError(path: path, offset: offset, reason: "length \(bytes.count), want 4") }
            // nftnl_udata_put_u32 stores the host's order: read the bytes little-endian, then convert from
            // little-endian to the host's order (a no-op on x86 and arm64).
            var value: UInt32 = 0
            for (shift, byte) in bytes.enumerated() { value |= UInt32(byte) << (8 * UInt32(shift)) }
            return UInt32(littleEndian: value)
        }
    }

    var all: [Record] = []

    init(_ bytes: some Collection<UInt8>, path: String) throws {
        let bytes = Array(bytes)
        var offset = 0
        while offset < bytes.count {
            guard offset + 2 <= bytes.count else {
                throw DecodeError(path: path, offset: offset, reason: "truncated record header")
            }
            let length = Int(bytes[offset + 1])
            guard offset + 2 + length <= bytes.count else {
                throw DecodeError(path: path, offset: offset, reason: "record length \(length) past the end")
            }
            all.append(Record(type: bytes[offset], offset: offset, bytes: bytes[(offset + 2)..<(offset + 2 + length)]))
            offset += 2 + length
        }
    }

    func first(_ type: UInt8) -> Record? { all.first { $0.type == type } }
}

extension NFTSet {
    /// The key's `typeof` expression; nil without one or when its description does not decode (nft then
    /// prints `type`, and so does nfscope).
    public var keyTypeof: SetTypeof? { try? SetTypeof.decode(userdata: userdata, record: SetTypeof.keyRecord) }
    /// The data's `typeof` expression of a map (`.verdict` for verdict maps).
    public var dataTypeof: SetTypeof? { try? SetTypeof.decode(userdata: userdata, record: SetTypeof.dataRecord) }
    /// Whether the map's data are intervals (`: interval ipv4_addr`), from `NFTNL_UDATA_SET_DATA_INTERVAL`.
    public var hasIntervalData: Bool {
        guard let records = try? UserdataRecords(userdata, path: "set.userdata"),
              let record = records.first(SetTypeof.dataIntervalRecord) else { return false }
        return record.bytes.contains { $0 != 0 }
    }
}
