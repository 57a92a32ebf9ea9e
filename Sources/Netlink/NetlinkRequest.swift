/// A netlink request under construction: header, fixed family header and attributes.
///
/// The length and the sequence number are filled in when it is sent.
public struct NetlinkRequest: Sendable {
    public var type: UInt16
    public var flags: NetlinkFlags
    /// The family header and attributes, already aligned.
    public private(set) var body: [UInt8]
    private var nestStack: [Int] = []

    /// Starts a request with a fixed family header such as `struct rtgenmsg` or `struct nfgenmsg`.
    public init(type: UInt16, flags: NetlinkFlags, familyHeader: [UInt8] = []) {
        self.type = type
        self.flags = flags.union(.request)
        self.body = familyHeader
        body.padToNetlinkAlignment()
    }

    /// Appends an attribute with a raw payload.
    ///
    /// `nla_len` is 16 bits: a payload over 65531 bytes cannot be encoded and is a programming error.
    public mutating func append(_ type: UInt16, bytes: [UInt8]) {
        precondition(bytes.count <= Int(UInt16.max) - 4,
                     "netlink attribute \(type): \(bytes.count) bytes do not fit the 16-bit nla_len")
        body.appendHost(UInt16(4 + bytes.count))
        body.appendHost(type)
        body.append(contentsOf: bytes)
        body.padToNetlinkAlignment()
    }

    public mutating func append(_ type: UInt16, u32 value: UInt32) {
        var bytes: [UInt8] = []
        bytes.appendHost(value)
        append(type, bytes: bytes)
    }

    public mutating func append(_ type: UInt16, u32BigEndian value: UInt32) {
        var bytes: [UInt8] = []
        bytes.appendBigEndian(value)
        append(type, bytes: bytes)
    }

    /// Appends a NUL-terminated string attribute.
    public mutating func append(_ type: UInt16, string: String) {
        append(type, bytes: Array(string.utf8) + [0])
    }

    /// Opens a nested attribute; close it with `endNest()`.
    public mutating func beginNest(_ type: UInt16) {
        nestStack.append(body.count)
        body.appendHost(UInt16(0))
        body.appendHost(type | 0x8000)
    }

    /// Closes the innermost nested attribute, writing its length.
    public mutating func endNest() {
        guard let start = nestStack.popLast() else { return }
        // Truncating would silently produce a nest the kernel (and our decoder) reads as something else.
        precondition(body.count - start <= Int(UInt16.max),
                     "netlink nest of \(body.count - start) bytes does not fit the 16-bit nla_len")
        let length = UInt16(body.count - start)
        body[start] = UInt8(truncatingIfNeeded: length)
        body[start + 1] = UInt8(truncatingIfNeeded: length >> 8)
    }

    /// The whole message with the given sequence number and port id.
    public func encoded(sequence: UInt32, portID: UInt32 = 0) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(NetlinkHeader.size + body.count)
        bytes.appendHost(UInt32(NetlinkHeader.size + body.count))
        bytes.appendHost(type)
        bytes.appendHost(flags.rawValue)
        bytes.appendHost(sequence)
        bytes.appendHost(portID)
        bytes.append(contentsOf: body)
        return bytes
    }
}
