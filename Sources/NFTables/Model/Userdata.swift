/// libnftnl's userdata format: type-length-value records of one byte type and one byte length
/// (`struct nftnl_udata`), used for comments and `typeof` descriptions.
public enum Userdata {
    /// `NFTNL_UDATA_RULE_COMMENT`.
    public static let ruleComment: UInt8 = 0
    /// `NFTNL_UDATA_TABLE_COMMENT`.
    public static let tableComment: UInt8 = 0
    /// `NFTNL_UDATA_CHAIN_COMMENT`.
    public static let chainComment: UInt8 = 0
    /// `NFTNL_UDATA_SET_COMMENT`.
    public static let setComment: UInt8 = 7
    /// `NFTNL_UDATA_OBJ_COMMENT`.
    public static let objectComment: UInt8 = 0
    /// `NFTNL_UDATA_SET_ELEM_COMMENT`.
    public static let elementComment: UInt8 = 0

    /// The records in order; a truncated tail ends the walk (userdata is advisory, never an error).
    public static func records(in bytes: [UInt8]) -> [(type: UInt8, value: ArraySlice<UInt8>)] {
        var result: [(type: UInt8, value: ArraySlice<UInt8>)] = []
        var offset = 0
        while offset + 2 <= bytes.count {
            let length = Int(bytes[offset + 1])
            guard offset + 2 + length <= bytes.count else { break }
            result.append((bytes[offset], bytes[(offset + 2)..<(offset + 2 + length)]))
            offset += 2 + length
        }
        return result
    }

    /// The NUL-terminated string in the first record of `type`.
    public static func comment(in bytes: [UInt8], type: UInt8) -> String? {
        guard let record = records(in: bytes).first(where: { $0.type == type }) else { return nil }
        let end = record.value.firstIndex(of: 0) ?? record.value.endIndex
        return String(decoding: record.value[record.value.startIndex..<end], as: UTF8.self)
    }
}
