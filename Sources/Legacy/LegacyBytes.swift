import NetCore

/// Bounds-checked reads of host-order integers, strings and addresses from an x_tables blob.
///
/// Every read checks its range first and throws a ``DecodeError`` naming the path and offset, so hostile or
/// truncated blobs never trap.
struct LegacyBytes {
    let bytes: [UInt8]
    let path: String

    var count: Int { bytes.count }

    func error(_ offset: Int, _ reason: String) -> DecodeError {
        DecodeError(path: path, offset: offset, reason: reason)
    }

    func check(_ offset: Int, _ length: Int, _ what: @autoclosure () -> String) throws(DecodeError) {
        guard offset >= 0, length >= 0, offset <= bytes.count - length else {
            throw error(offset, "\(what()): \(length) bytes past the end of \(bytes.count)")
        }
    }

    /// A host-order unsigned integer of `length` bytes (x_tables structs are native C structs).
    func unsigned(_ offset: Int, _ length: Int, _ what: @autoclosure () -> String) throws(DecodeError) -> UInt64 {
        try check(offset, length, what())
        var value: UInt64 = 0
        for index in 0..<length {
            #if _endian(little)
            value |= UInt64(bytes[offset + index]) << (8 * index)
            #else
            value = value << 8 | UInt64(bytes[offset + index])
            #endif
        }
        return value
    }

    func u8(_ offset: Int, _ what: @autoclosure () -> String) throws(DecodeError) -> UInt8 {
        try check(offset, 1, what())
        return bytes[offset]
    }

    func u16(_ offset: Int, _ what: @autoclosure () -> String) throws(DecodeError) -> UInt16 {
        UInt16(truncatingIfNeeded: try unsigned(offset, 2, what()))
    }

    func u32(_ offset: Int, _ what: @autoclosure () -> String) throws(DecodeError) -> UInt32 {
        UInt32(truncatingIfNeeded: try unsigned(offset, 4, what()))
    }

    func i32(_ offset: Int, _ what: @autoclosure () -> String) throws(DecodeError) -> Int32 { Int32(bitPattern: try u32(offset, what())) }

    func u64(_ offset: Int, _ what: @autoclosure () -> String) throws(DecodeError) -> UInt64 { try unsigned(offset, 8, what()) }

    func slice(_ offset: Int, _ length: Int, _ what: @autoclosure () -> String) throws(DecodeError) -> [UInt8] {
        try check(offset, length, what())
        return Array(bytes[offset..<(offset + length)])
    }

    /// A `char name[length]` field up to its first NUL (all of it when full), UTF-8 with repairs.
    func string(_ offset: Int, _ length: Int, _ what: @autoclosure () -> String) throws(DecodeError) -> String {
        let field = try slice(offset, length, what())
        let end = field.firstIndex(of: 0) ?? field.endIndex
        return String(decoding: field[..<end], as: UTF8.self)
    }

    /// An address in network byte order (4 bytes for IPv4, 16 for IPv6).
    func address(_ offset: Int, _ family: IPFamily, _ what: @autoclosure () -> String) throws(DecodeError) -> IPAddress {
        let raw = try slice(offset, family == .ipv4 ? 4 : 16, what())
        guard let address = IPAddress(networkBytes: raw) else { throw error(offset, "\(what()): bad address") }
        return address
    }
}
