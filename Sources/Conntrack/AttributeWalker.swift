import NetCore

/// A lean walk over netlink attributes for the conntrack hot path.
///
/// It validates lengths exactly as `NetlinkAttributes.Cursor` does, but builds no path string per
/// attribute: a dump of 250,000 flows walks millions of attributes, and the path is only needed when
/// something is wrong, so it is made then from `context`.
struct AttributeWalker {
    let bytes: ArraySlice<UInt8>
    let context: StaticString
    private var offset: Int

    init(_ bytes: ArraySlice<UInt8>, context: StaticString) {
        self.bytes = bytes
        self.context = context
        self.offset = bytes.startIndex
    }

    /// The next attribute's type (flag bits removed) and payload, or `nil` at the end.
    mutating func next() throws(DecodeError) -> (type: UInt16, payload: ArraySlice<UInt8>)? {
        let remaining = bytes.endIndex - offset
        guard remaining >= 4 else {
            if remaining > 0, bytes[offset...].contains(where: { $0 != 0 }) {
                throw DecodeError(path: "\(context)", offset: offset - bytes.startIndex,
                                  reason: "\(remaining) trailing bytes, too short for an attribute header")
            }
            return nil
        }
        let length = Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
        let type = (UInt16(bytes[offset + 2]) | UInt16(bytes[offset + 3]) << 8) & 0x3fff
        guard length >= 4, length <= remaining else {
            throw DecodeError(path: "\(context).attr[\(type)]", offset: offset - bytes.startIndex,
                              reason: "attribute length \(length) outside 4...\(remaining)")
        }
        let payload = bytes[(offset + 4)..<(offset + length)]
        offset += min((length + 3) & ~3, remaining)
        return (type, payload)
    }
}

/// Fixed-width reads of attribute payloads; a payload shorter than the value is a `DecodeError`.
enum AttributeValue {
    static func u8(_ payload: ArraySlice<UInt8>, _ context: StaticString) throws(DecodeError) -> UInt8 {
        guard let first = payload.first else { throw short(context, needs: 1, has: 0) }
        return first
    }

    static func be16(_ payload: ArraySlice<UInt8>, _ context: StaticString) throws(DecodeError) -> UInt16 {
        guard payload.count >= 2 else { throw short(context, needs: 2, has: payload.count) }
        let start = payload.startIndex
        return UInt16(payload[start]) << 8 | UInt16(payload[start + 1])
    }

    static func be32(_ payload: ArraySlice<UInt8>, _ context: StaticString) throws(DecodeError) -> UInt32 {
        guard payload.count >= 4 else { throw short(context, needs: 4, has: payload.count) }
        let start = payload.startIndex
        return UInt32(payload[start]) << 24 | UInt32(payload[start + 1]) << 16
            | UInt32(payload[start + 2]) << 8 | UInt32(payload[start + 3])
    }

    static func be64(_ payload: ArraySlice<UInt8>, _ context: StaticString) throws(DecodeError) -> UInt64 {
        guard payload.count >= 8 else { throw short(context, needs: 8, has: payload.count) }
        var value: UInt64 = 0
        for byte in payload.prefix(8) { value = value << 8 | UInt64(byte) }
        return value
    }

    static func address(_ payload: ArraySlice<UInt8>, size: Int, _ context: StaticString) throws(DecodeError) -> IPAddress {
        guard payload.count == size, let address = IPAddress(networkBytes: payload) else {
            throw DecodeError(path: "\(context)", offset: 0, reason: "address needs \(size) bytes, has \(payload.count)")
        }
        return address
    }

    private static func short(_ context: StaticString, needs: Int, has: Int) -> DecodeError {
        DecodeError(path: "\(context)", offset: 0, reason: "needs \(needs) bytes, has \(has)")
    }
}
