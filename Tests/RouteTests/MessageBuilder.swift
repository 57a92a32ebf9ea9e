import NetCore
import Netlink

/// Builds netlink attributes byte by byte, the way the kernel lays them out (`struct nlattr`, 4-byte aligned).
struct AttributeWriter {
    var bytes: [UInt8] = []

    mutating func raw(_ type: UInt16, _ payload: [UInt8], declaredLength: Int? = nil) {
        bytes.appendHost(UInt16(truncatingIfNeeded: declaredLength ?? 4 + payload.count))
        bytes.appendHost(type)
        bytes.append(contentsOf: payload)
        bytes.padToNetlinkAlignment()
    }

    mutating func u8(_ type: UInt16, _ value: UInt8) { raw(type, [value]) }
    mutating func u16(_ type: UInt16, _ value: UInt16) { var b: [UInt8] = []; b.appendHost(value); raw(type, b) }
    mutating func u32(_ type: UInt16, _ value: UInt32) { var b: [UInt8] = []; b.appendHost(value); raw(type, b) }
    mutating func i32(_ type: UInt16, _ value: Int32) { u32(type, UInt32(bitPattern: value)) }
    mutating func u16BigEndian(_ type: UInt16, _ value: UInt16) { var b: [UInt8] = []; b.appendBigEndian(value); raw(type, b) }
    mutating func u64BigEndian(_ type: UInt16, _ value: UInt64) { var b: [UInt8] = []; b.appendBigEndian(value); raw(type, b) }
    mutating func string(_ type: UInt16, _ value: String) { raw(type, Array(value.utf8) + [0]) }
    mutating func address(_ type: UInt16, _ text: String) {
        raw(type, IPAddress(text)?.networkBytes ?? [])
    }
    mutating func nest(_ type: UInt16, _ body: (inout AttributeWriter) -> Void) {
        var inner = AttributeWriter()
        body(&inner)
        raw(type | 0x8000, inner.bytes)
    }
}

/// A whole netlink message: header, family header, attributes.
struct MessageBuilder {
    var type: UInt16
    var familyHeader: [UInt8]
    var attributes = AttributeWriter()
    var flags: UInt16 = 0x2  // NLM_F_MULTI, as dump replies carry

    init(type: UInt16, familyHeader: [UInt8]) {
        self.type = type
        self.familyHeader = familyHeader
    }

    var bytes: [UInt8] {
        var body = familyHeader
        body.padToNetlinkAlignment()
        body += attributes.bytes
        var out: [UInt8] = []
        out.appendHost(UInt32(16 + body.count))
        out.appendHost(type)
        out.appendHost(flags)
        out.appendHost(UInt32(1))
        out.appendHost(UInt32(0))
        return out + body
    }

    /// The message as the decoders receive it, after the length validation of the message walk.
    func message() throws -> NetlinkMessage {
        guard let first = try NetlinkMessageSequence(bytes[...]).validated().first else {
            throw DecodeError(path: "test", offset: 0, reason: "no message")
        }
        return first
    }

    // Family headers, little-endian as on every host nfscope runs on.

    static func link(index: Int32, type: UInt16 = 1, flags: UInt32 = 0x1 | 0x2 | 0x1000 | 0x40 | 0x10000) -> MessageBuilder {
        var header: [UInt8] = [0, 0]
        header.appendHost(type)
        header.appendHost(index)
        header.appendHost(flags)
        header.appendHost(UInt32(0))
        return MessageBuilder(type: 16, familyHeader: header)
    }

    static func address(family: UInt8, prefixLength: UInt8, flags: UInt8 = 0x80, scope: UInt8 = 0, index: Int32) -> MessageBuilder {
        var header: [UInt8] = [family, prefixLength, flags, scope]
        header.appendHost(index)
        return MessageBuilder(type: 20, familyHeader: header)
    }

    static func route(family: UInt8, destinationLength: UInt8 = 0, sourceLength: UInt8 = 0, table: UInt8 = 254,
                      protocol proto: UInt8 = 3, scope: UInt8 = 0, type: UInt8 = 1, flags: UInt32 = 0) -> MessageBuilder {
        var header: [UInt8] = [family, destinationLength, sourceLength, 0, table, proto, scope, type]
        header.appendHost(flags)
        return MessageBuilder(type: 24, familyHeader: header)
    }

    static func rule(family: UInt8, destinationLength: UInt8 = 0, sourceLength: UInt8 = 0, table: UInt8 = 0,
                     action: UInt8 = 1, flags: UInt32 = 0) -> MessageBuilder {
        var header: [UInt8] = [family, destinationLength, sourceLength, 0, table, 0, 0, action]
        header.appendHost(flags)
        return MessageBuilder(type: 32, familyHeader: header)
    }

    static func neighbour(family: UInt8, index: Int32, state: UInt16, flags: UInt8 = 0) -> MessageBuilder {
        var header: [UInt8] = [family, 0, 0, 0]
        header.appendHost(index)
        header.appendHost(state)
        header += [flags, 1]
        return MessageBuilder(type: 28, familyHeader: header)
    }
}

/// A `struct rtnexthop` with its attributes, for `RTA_MULTIPATH`.
func nexthopBytes(index: Int32, hops: UInt8 = 0, flags: UInt8 = 0, _ body: (inout AttributeWriter) -> Void) -> [UInt8] {
    var inner = AttributeWriter()
    body(&inner)
    var bytes: [UInt8] = []
    bytes.appendHost(UInt16(8 + inner.bytes.count))
    bytes += [flags, hops]
    bytes.appendHost(index)
    return bytes + inner.bytes
}
