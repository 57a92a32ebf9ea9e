import NetCore

/// A lean walk over netlink attributes for the conntrack hot path.
///
/// It validates lengths exactly as `NetlinkAttributes.Cursor` does, but over raw bytes and without a path
/// string per attribute: a dump of 250,000 flows walks millions of attributes, and reference counting a
/// slice per attribute, or naming it, cost more than the kernel's own work. Every read is bounds-checked
/// against the attribute's validated length before it happens; the path is made only for an error.
struct AttributeWalker {
    let bytes: UnsafeRawBufferPointer
    let context: StaticString
    private var offset = 0

    init(_ bytes: UnsafeRawBufferPointer, context: StaticString) {
        self.bytes = bytes
        self.context = context
    }

    /// The next attribute's type (flag bits removed) and payload, or `nil` at the end.
    mutating func next() throws(DecodeError) -> (type: UInt16, payload: UnsafeRawBufferPointer)? {
        let remaining = bytes.count - offset
        guard remaining >= 4 else {
            if remaining > 0, bytes[offset...].contains(where: { $0 != 0 }) {
                throw DecodeError(path: "\(context)", offset: offset,
                                  reason: "\(remaining) trailing bytes, too short for an attribute header")
            }
            return nil
        }
        let length = Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
        let type = (UInt16(bytes[offset + 2]) | UInt16(bytes[offset + 3]) << 8) & 0x3fff
        guard length >= 4, length <= remaining else {
            throw DecodeError(path: "\(context).attr[\(type)]", offset: offset,
                              reason: "attribute length \(length) outside 4...\(remaining)")
        }
        let payload = UnsafeRawBufferPointer(rebasing: bytes[(offset + 4)..<(offset + length)])
        offset += min((length + 3) & ~3, remaining)
        return (type, payload)
    }
}

/// Fixed-width reads of attribute payloads; a payload shorter than the value is a `DecodeError`.
enum AttributeValue {
    static func u8(_ payload: UnsafeRawBufferPointer, _ context: StaticString) throws(DecodeError) -> UInt8 {
        guard payload.count >= 1 else { throw short(context, needs: 1, has: 0) }
        return payload[0]
    }

    static func be16(_ payload: UnsafeRawBufferPointer, _ context: StaticString) throws(DecodeError) -> UInt16 {
        guard payload.count >= 2 else { throw short(context, needs: 2, has: payload.count) }
        return UInt16(bigEndian: payload.loadUnaligned(as: UInt16.self))
    }

    static func be32(_ payload: UnsafeRawBufferPointer, _ context: StaticString) throws(DecodeError) -> UInt32 {
        guard payload.count >= 4 else { throw short(context, needs: 4, has: payload.count) }
        return UInt32(bigEndian: payload.loadUnaligned(as: UInt32.self))
    }

    static func be64(_ payload: UnsafeRawBufferPointer, _ context: StaticString) throws(DecodeError) -> UInt64 {
        guard payload.count >= 8 else { throw short(context, needs: 8, has: payload.count) }
        return UInt64(bigEndian: payload.loadUnaligned(as: UInt64.self))
    }

    /// An IPv4 (4 bytes) or IPv6 (16 bytes) address in network order.
    static func address(_ payload: UnsafeRawBufferPointer, size: Int, _ context: StaticString) throws(DecodeError) -> IPAddress {
        guard payload.count == size else {
            throw DecodeError(path: "\(context)", offset: 0, reason: "address needs \(size) bytes, has \(payload.count)")
        }
        if size == 4 { return .v4(UInt32(bigEndian: payload.loadUnaligned(as: UInt32.self))) }
        return .v6(high: UInt64(bigEndian: payload.loadUnaligned(as: UInt64.self)),
                   low: UInt64(bigEndian: payload.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
    }

    /// A string up to the first NUL, invalid UTF-8 replaced.
    static func string(_ payload: UnsafeRawBufferPointer) -> String {
        let end = payload.firstIndex(of: 0) ?? payload.count
        return String(decoding: UnsafeRawBufferPointer(rebasing: payload[0..<end]), as: UTF8.self)
    }

    private static func short(_ context: StaticString, needs: Int, has: Int) -> DecodeError {
        DecodeError(path: "\(context)", offset: 0, reason: "needs \(needs) bytes, has \(has)")
    }
}
