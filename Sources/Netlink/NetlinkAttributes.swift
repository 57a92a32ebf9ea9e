import NetCore

/// One netlink attribute (`struct nlattr`): its type and payload.
public struct NetlinkAttribute: Sendable {
    /// The attribute type with the `NLA_F_NESTED` and `NLA_F_NET_BYTEORDER` bits removed.
    public var type: UInt16
    /// Whether the sender marked the attribute as nested (`NLA_F_NESTED`).
    public var isNestedFlagSet: Bool
    /// The bytes after the 4-byte attribute header, without padding.
    public var payload: ArraySlice<UInt8>
    /// The path of the enclosing object; `path` adds this attribute's type only when an error needs it,
    /// so walking attributes allocates nothing.
    public var parentPath: String
    /// Where the decoder is, for error messages: `link.attr[3]`.
    public var path: String { "\(parentPath).attr[\(type)]" }

    public init(type: UInt16, isNestedFlagSet: Bool, payload: ArraySlice<UInt8>, parentPath: String) {
        self.type = type
        self.isNestedFlagSet = isNestedFlagSet
        self.payload = payload
        self.parentPath = parentPath
    }

    /// The attributes nested inside this one.
    public var nested: NetlinkAttributes { NetlinkAttributes(payload, path: path) }

    public func u8() throws -> UInt8 { try exact(UInt8.self) { try payload.hostInteger(UInt8.self, path: path) } }
    public func u16() throws -> UInt16 { try exact(UInt16.self) { try payload.hostInteger(UInt16.self, path: path) } }
    public func u32() throws -> UInt32 { try exact(UInt32.self) { try payload.hostInteger(UInt32.self, path: path) } }
    public func u64() throws -> UInt64 { try exact(UInt64.self) { try payload.hostInteger(UInt64.self, path: path) } }
    public func i32() throws -> Int32 { try exact(Int32.self) { try payload.hostInteger(Int32.self, path: path) } }
    public func u16BigEndian() throws -> UInt16 { try exact(UInt16.self) { try payload.bigEndianInteger(UInt16.self, path: path) } }
    public func u32BigEndian() throws -> UInt32 { try exact(UInt32.self) { try payload.bigEndianInteger(UInt32.self, path: path) } }
    public func u64BigEndian() throws -> UInt64 { try exact(UInt64.self) { try payload.bigEndianInteger(UInt64.self, path: path) } }

    /// Integer attributes must be exactly their size: a longer payload means the attribute is not what the
    /// decoder thinks it is (nla_policy's exact-length rule), which must not pass silently.
    @inline(__always)
    private func exact<T: FixedWidthInteger>(_: T.Type, _ read: () throws -> T) throws -> T {
        guard payload.count == MemoryLayout<T>.size else {
            throw DecodeError(path: path, offset: 0,
                              reason: "expected \(MemoryLayout<T>.size) bytes, got \(payload.count)")
        }
        return try read()
    }
    /// The payload as a NUL-terminated string.
    public var string: String { payload.nulTerminatedString }
    /// The payload as an IPv4 or IPv6 address in network order.
    public func address() throws -> IPAddress {
        guard let address = IPAddress(networkBytes: payload) else {
            throw DecodeError(path: path, offset: 0, reason: "address of \(payload.count) bytes")
        }
        return address
    }
}

/// The attributes in a byte range, walked lazily with every length validated.
///
/// Iterating with `for try` would hide where a walk stopped, so the walk throws from `next()`: the first
/// malformed attribute ends it with a `DecodeError` (mdlayher/netlink's AttributeDecoder keeps the first
/// error the same way). A zero-length tail of padding is accepted.
public struct NetlinkAttributes: Sendable {
    public let bytes: ArraySlice<UInt8>
    public let path: String

    public init(_ bytes: ArraySlice<UInt8>, path: String) {
        self.bytes = bytes
        self.path = path
    }

    /// A cursor over the attributes.
    public func makeCursor() -> Cursor { Cursor(bytes: bytes, path: path) }

    /// Calls `body` for every attribute in order.
    public func forEach(_ body: (NetlinkAttribute) throws -> Void) throws {
        var cursor = makeCursor()
        while let attribute = try cursor.next() { try body(attribute) }
    }

    /// Every attribute, last one winning for repeated types, keyed by type.
    public func table() throws -> [UInt16: NetlinkAttribute] {
        var result: [UInt16: NetlinkAttribute] = [:]
        try forEach { result[$0.type] = $0 }
        return result
    }

    /// Every attribute, in order.
    public func all() throws -> [NetlinkAttribute] {
        var result: [NetlinkAttribute] = []
        try forEach { result.append($0) }
        return result
    }

    public struct Cursor {
        let bytes: ArraySlice<UInt8>
        let path: String
        var offset: Int

        init(bytes: ArraySlice<UInt8>, path: String) {
            self.bytes = bytes
            self.path = path
            self.offset = bytes.startIndex
        }

        public mutating func next() throws -> NetlinkAttribute? {
            let remaining = bytes.endIndex - offset
            guard remaining >= 4 else {
                if remaining > 0, bytes[offset...].contains(where: { $0 != 0 }) {
                    throw DecodeError(path: path, offset: offset - bytes.startIndex,
                                      reason: "\(remaining) trailing bytes, too short for an attribute header")
                }
                return nil
            }
            let slice = bytes[offset...]
            let length = Int(try slice.hostInteger(UInt16.self, path: path))
            let rawType = try slice.hostInteger(UInt16.self, at: 2, path: path)
            guard length >= 4, length <= remaining else {
                throw DecodeError(path: "\(path).attr[\(rawType & 0x3fff)]", offset: offset - bytes.startIndex,
                                  reason: "attribute length \(length) outside 4...\(remaining)")
            }
            let type = rawType & 0x3fff
            let attribute = NetlinkAttribute(type: type, isNestedFlagSet: rawType & 0x8000 != 0,
                                             payload: bytes[(offset + 4)..<(offset + length)],
                                             parentPath: path)
            offset += Swift.min(netlinkAligned(length), remaining)
            return attribute
        }
    }
}
