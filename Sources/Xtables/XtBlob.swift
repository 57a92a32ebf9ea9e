import NetCore

/// A bounds-checked reader over an extension's info bytes.
///
/// Every getter checks the range first and throws a ``DecodeError`` naming the extension
/// (`xt.match.statistic.info`) and the offset, so that truncated or hostile blobs never trap.
/// Integers are read in host byte order (the structs are native C structs); fields the kernel keeps in
/// network order (`__be16`, `__be32`, addresses) have their own getters.
struct XtBlob {
    let bytes: [UInt8]
    let path: String

    init(_ ext: XtExtension, kind: String) {
        bytes = ext.info
        path = "xt.\(kind).\(ext.name).info"
    }

    init(bytes: [UInt8], path: String) {
        self.bytes = bytes
        self.path = path
    }

    var count: Int { bytes.count }

    func error(_ offset: Int, _ reason: String) -> DecodeError {
        DecodeError(path: path, offset: offset, reason: reason)
    }

    /// Checks that the struct is at least `size` bytes (the kernel's struct size without trailing padding).
    /// Longer blobs are accepted: `XT_ALIGN` padding and the kernel-private tail (`master`, `hinfo`) follow.
    func require(_ size: Int, _ structName: String) throws(DecodeError) {
        guard bytes.count >= size else {
            throw error(bytes.count, "\(structName) needs \(size) bytes, got \(bytes.count)")
        }
    }

    private func check(_ offset: Int, _ length: Int) throws(DecodeError) {
        guard offset >= 0, length >= 0, offset <= bytes.count - length else {
            throw error(offset, "\(length)-byte field past the end of \(bytes.count) bytes")
        }
    }

    func u8(_ offset: Int) throws(DecodeError) -> UInt8 {
        try check(offset, 1)
        return bytes[offset]
    }

    /// Reads `length` bytes as a little-endian number, then converts to host order.
    private func littleEndian(_ offset: Int, _ length: Int) throws(DecodeError) -> UInt64 {
        try check(offset, length)
        var value: UInt64 = 0
        for index in stride(from: length - 1, through: 0, by: -1) {
            value = value << 8 | UInt64(bytes[offset + index])
        }
        return value
    }

    private func bigEndian(_ offset: Int, _ length: Int) throws(DecodeError) -> UInt64 {
        try check(offset, length)
        var value: UInt64 = 0
        for index in 0..<length { value = value << 8 | UInt64(bytes[offset + index]) }
        return value
    }

    /// A host-order integer of `length` bytes.
    private func host(_ offset: Int, _ length: Int) throws(DecodeError) -> UInt64 {
        #if _endian(little)
        return try littleEndian(offset, length)
        #else
        return try bigEndian(offset, length)
        #endif
    }

    func u16(_ offset: Int) throws(DecodeError) -> UInt16 { UInt16(truncatingIfNeeded: try host(offset, 2)) }
    func u32(_ offset: Int) throws(DecodeError) -> UInt32 { UInt32(truncatingIfNeeded: try host(offset, 4)) }
    func u64(_ offset: Int) throws(DecodeError) -> UInt64 { try host(offset, 8) }
    func i32(_ offset: Int) throws(DecodeError) -> Int32 { Int32(bitPattern: try u32(offset)) }
    /// A `__be16` field (ports in nat ranges, conntrack rev 1/2 ports).
    func be16(_ offset: Int) throws(DecodeError) -> UInt16 { UInt16(truncatingIfNeeded: try bigEndian(offset, 2)) }
    /// A `__be32` field.
    func be32(_ offset: Int) throws(DecodeError) -> UInt32 { UInt32(truncatingIfNeeded: try bigEndian(offset, 4)) }

    /// Raw bytes of a fixed-size field.
    func slice(_ offset: Int, _ length: Int) throws(DecodeError) -> [UInt8] {
        try check(offset, length)
        return Array(bytes[offset..<(offset + length)])
    }

    /// A `char name[length]` field: the bytes up to the first NUL (or all of them, as the kernel would not
    /// terminate a full buffer), decoded as UTF-8 with invalid sequences repaired.
    func string(_ offset: Int, _ length: Int) throws(DecodeError) -> String {
        let field = try slice(offset, length)
        let end = field.firstIndex(of: 0) ?? field.endIndex
        return String(decoding: field[..<end], as: UTF8.self)
    }

    /// An IPv4 address stored as `__be32` / `struct in_addr`.
    func ipv4(_ offset: Int) throws(DecodeError) -> IPAddress { .v4(try be32(offset)) }

    /// A `union nf_inet_addr` (16 bytes): the first 4 bytes hold an IPv4 address, all 16 an IPv6 one.
    func inetAddress(_ offset: Int, family: IPFamily) throws(DecodeError) -> IPAddress {
        try check(offset, 16)
        switch family {
        case .ipv4: return try ipv4(offset)
        case .ipv6: return try ipv6(offset)
        }
    }

    /// A `struct in6_addr`.
    func ipv6(_ offset: Int) throws(DecodeError) -> IPAddress {
        .v6(high: try bigEndian(offset, 8), low: try bigEndian(offset + 8, 8))
    }
}
