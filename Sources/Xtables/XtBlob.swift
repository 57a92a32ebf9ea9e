import NetCore

/// A bounds-checked reader over an extension's info bytes.
///
/// Every getter checks the range first and throws a ``DecodeError`` naming the extension
/// (`xt.match.statistic.info`) and the offset, so that truncated or hostile blobs never trap.
/// Integers are read in host byte order (the structs are native C structs) with unaligned loads; fields the
/// kernel keeps in network order (`__be16`, `__be32`, addresses) have their own getters.
struct XtBlob {
    let bytes: [UInt8]
    /// The path parts, joined only when an error is built, so that decoding allocates no path string.
    private let kind: String
    private let name: String

    init(_ ext: XtExtension, kind: String) {
        bytes = ext.info
        self.kind = kind
        name = ext.name
    }

    /// A blob whose errors carry `path` as is.
    init(bytes: [UInt8], path: String) {
        self.bytes = bytes
        kind = ""
        name = path
    }

    var count: Int { bytes.count }

    var path: String { kind.isEmpty ? name : "xt.\(kind).\(name).info" }

    func error(_ offset: Int, _ reason: String) -> DecodeError {
        DecodeError(path: path, offset: offset, reason: reason)
    }

    /// Checks that the blob holds at least `size` bytes: the end of the last field iptables reads (its
    /// `userspacesize`, or the struct size without trailing padding). Longer blobs are accepted: `XT_ALIGN`
    /// padding and kernel-private tails (`master`, `ct`, `priv` pointers) follow.
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

    /// Loads a fixed-width integer in host order from an unaligned offset (after the bounds check).
    private func load<T: FixedWidthInteger>(_ offset: Int, as type: T.Type) throws(DecodeError) -> T {
        try check(offset, MemoryLayout<T>.size)
        return bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
    }

    func u16(_ offset: Int) throws(DecodeError) -> UInt16 { try load(offset, as: UInt16.self) }
    func u32(_ offset: Int) throws(DecodeError) -> UInt32 { try load(offset, as: UInt32.self) }
    func u64(_ offset: Int) throws(DecodeError) -> UInt64 { try load(offset, as: UInt64.self) }
    func i32(_ offset: Int) throws(DecodeError) -> Int32 { try load(offset, as: Int32.self) }
    /// A `__be16` field (ports in nat ranges, conntrack rev 1/2 ports).
    func be16(_ offset: Int) throws(DecodeError) -> UInt16 { UInt16(bigEndian: try load(offset, as: UInt16.self)) }
    /// A `__be32` field.
    func be32(_ offset: Int) throws(DecodeError) -> UInt32 { UInt32(bigEndian: try load(offset, as: UInt32.self)) }
    /// A big-endian 64-bit half of an IPv6 address.
    func be64(_ offset: Int) throws(DecodeError) -> UInt64 { UInt64(bigEndian: try load(offset, as: UInt64.self)) }

    /// Raw bytes of a fixed-size field.
    func slice(_ offset: Int, _ length: Int) throws(DecodeError) -> [UInt8] {
        try check(offset, length)
        return Array(bytes[offset..<(offset + length)])
    }

    /// A `char name[length]` field: the bytes up to the first NUL (or all of them, as the kernel would not
    /// terminate a full buffer), decoded as UTF-8 with invalid sequences repaired.
    func string(_ offset: Int, _ length: Int) throws(DecodeError) -> String {
        try check(offset, length)
        let field = bytes[offset..<(offset + length)]
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
        .v6(high: try be64(offset), low: try be64(offset + 8))
    }
}
