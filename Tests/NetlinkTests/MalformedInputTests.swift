import NetCore
import Netlink
import NetlinkTesting
import SystemPackage
import Testing

@Suite("malformed netlink bytes become DecodeError")
struct MalformedInputTests {
    static let builder = NetlinkReplyBuilder(sequence: 1, portID: 7)
    static let valid = builder.part(type: DumpFixture.newLink, payload: DumpFixture.payload("eth0"))

    static func decodeError(_ datagram: [UInt8]) throws -> DecodeError {
        try #require(throws: DecodeError.self) { try NetlinkMessageSequence(datagram[...]).validated() }
    }

    static func withLength(_ message: [UInt8], _ length: UInt32) -> [UInt8] {
        var bytes = message
        bytes.replaceSubrange(0..<4, with: [UInt8(length & 0xff), UInt8(length >> 8 & 0xff),
                                            UInt8(length >> 16 & 0xff), UInt8(length >> 24)])
        return bytes
    }

    @Test("a header cut short", arguments: [1, 3, 4, 15])
    func truncatedHeader(count: Int) throws {
        let error = try Self.decodeError(Array(Self.valid.prefix(count)))
        #expect(error.path.hasPrefix("nlmsg[0]"))
        #expect(error.offset == 0)
    }

    @Test("nlmsg_len below the header size", arguments: [0, 1, 4, 15] as [UInt32])
    func lengthTooSmall(length: UInt32) throws {
        let error = try Self.decodeError(Self.withLength(Self.valid, length))
        #expect(error.path == "nlmsg[0].len")
        #expect(error.reason.contains("\(length)"))
    }

    @Test("nlmsg_len beyond what is left of the datagram", arguments: [1, 4, 1000, 0xffff_ffff] as [UInt32])
    func lengthTooLarge(extra: UInt32) throws {
        let length = UInt32(Self.valid.count) &+ extra
        let error = try Self.decodeError(Self.withLength(Self.valid, extra == 0xffff_ffff ? extra : length))
        #expect(error.path == "nlmsg[0].len")
    }

    @Test("a bad second message: the first is still yielded, the error names message 1 and its offset")
    func badSecondMessage() throws {
        let datagram = Self.valid + Self.withLength(Self.valid, 8)
        var iterator = NetlinkMessageSequence(datagram[...]).makeIterator()
        #expect(iterator.next() != nil)
        #expect(iterator.next() == nil)
        let error = try #require(iterator.error)
        #expect(error.path == "nlmsg[1].len")
        #expect(error.offset == Self.valid.count)
        #expect(iterator.next() == nil)
    }

    @Test("trailing garbage after the last message", arguments: [[1], [0, 0, 0], [9, 9, 9, 9], [UInt8](repeating: 0, count: 16)])
    func trailingGarbage(tail: [UInt8]) throws {
        let error = try Self.decodeError(Self.valid + tail)
        #expect(error.path.hasPrefix("nlmsg[1]"))
    }

    @Test("an unaligned last message without padding is accepted")
    func unalignedLastMessage() throws {
        var message = NetlinkReplyBuilder.encode(type: 16, flags: [], sequence: 1, portID: 1, payload: [1, 2, 3])
        message.removeLast()   // 19 bytes: nlmsg_len is 19, nothing pads it
        let messages = try NetlinkMessageSequence(message[...]).validated()
        #expect(messages.count == 1)
        #expect(Array(messages[0].payload) == [1, 2, 3])
    }

    static func attributeError(_ bytes: [UInt8]) throws -> DecodeError {
        try #require(throws: DecodeError.self) { try NetlinkAttributes(bytes[...], path: "t").all() }
    }

    @Test("attribute length below 4", arguments: [0, 1, 3] as [UInt16])
    func attributeTooShort(length: UInt16) throws {
        let bytes: [UInt8] = [UInt8(length), 0, 5, 0, 1, 2, 3, 4]
        let error = try Self.attributeError(bytes)
        #expect(error.path == "t.attr[5]")
        #expect(error.offset == 0)
    }

    @Test("attribute length beyond the end, also after a valid attribute")
    func attributeTooLong() throws {
        let good = NetlinkReplyBuilder.attribute(1, [1, 2, 3, 4])
        let error = try Self.attributeError(good + [9, 0, 2, 0, 1, 2, 3, 4])
        #expect(error.path == "t.attr[2]")
        #expect(error.offset == 8)
        #expect(error.reason.contains("9"))
    }

    @Test("attribute trailing bytes: non-zero ones are an error, up to 3 bytes of zero padding are not")
    func attributeTrailing() throws {
        let good = NetlinkReplyBuilder.attribute(1, [1, 2, 3, 4])
        _ = try Self.attributeError(good + [1])
        _ = try Self.attributeError(good + [0, 0, 7])
        _ = try Self.attributeError(good + [0, 0, 0, 0])   // a zero-length attribute header
        #expect(try NetlinkAttributes((good + [0, 0, 0])[...], path: "t").all().count == 1)
    }

    @Test("a malformed nested attribute fails when the nest is walked, with the nested path")
    func nestedMalformed() throws {
        let inner = NetlinkReplyBuilder.attribute(2, [1, 0, 0, 0]) + [40, 0, 3, 0]
        let outer = NetlinkReplyBuilder.attribute(1 | 0x8000, inner)
        let attribute = try #require(try NetlinkAttributes(outer[...], path: "t").all().first)
        #expect(attribute.isNestedFlagSet)
        let error = try #require(throws: DecodeError.self) { try attribute.nested.all() }
        #expect(error.path == "t.attr[1].attr[3]")
    }

    @Test("typed getters check the payload size exactly")
    func typedGetters() throws {
        let attributes = try NetlinkAttributes((NetlinkReplyBuilder.attribute(1, [1, 2]) +
                                                NetlinkReplyBuilder.attribute(2, [1, 2, 3, 4, 5]))[...], path: "t").all()
        #expect(throws: DecodeError.self) { try attributes[0].u32() }
        #expect(try attributes[0].u16() == 0x0201)
        #expect(try attributes[0].u16BigEndian() == 0x0102)
        #expect(throws: DecodeError.self) { try attributes[1].u64() }
        #expect(throws: DecodeError.self) { try attributes[1].address() }
        #expect(throws: DecodeError.self) { _ = try attributes[0].u64BigEndian() }
        // Integer getters want the exact size (nla_policy's exact-length rule): a longer payload is an error too.
        #expect(throws: DecodeError.self) { _ = try attributes[0].u8() }
        #expect(throws: DecodeError.self) { _ = try attributes[1].u32() }
    }

    @Test("a family header longer than the payload")
    func shortFamilyHeader() throws {
        let message = try #require(try NetlinkMessageSequence(Self.valid[...]).validated().first)
        #expect(throws: DecodeError.self) { try message.attributes(afterFamilyHeader: 64, path: "link") }
    }

    @Test("an NLMSG_ERROR too short for its error code")
    func shortAck() throws {
        let bytes = NetlinkReplyBuilder.encode(type: NetlinkControlType.error, flags: [], sequence: 1, portID: 1, payload: [1, 2])
        let message = try #require(try NetlinkMessageSequence(bytes[...]).validated().first)
        #expect(throws: DecodeError.self) { try NetlinkAck(message) }
    }

    @Test("a malformed datagram in the middle of a dump or request throws DecodeError")
    func malformedInConversation() throws {
        let bad = Self.withLength(Self.valid, 9)
        let dumpTransport = ScriptedNetlinkTransport { request in
            [.messages([request.replies.part(type: DumpFixture.newLink, payload: DumpFixture.payload("lo"))]), .datagram(bad)]
        }
        #expect(throws: DecodeError.self) { try DumpFixture.collect(NetlinkConnection(transport: dumpTransport)) }
        let requestTransport = ScriptedNetlinkTransport(queue: [.datagram(bad)])
        #expect(throws: DecodeError.self) {
            try NetlinkConnection(transport: requestTransport).request(RequestTests.request, operation: RequestTests.operation)
        }
    }

    /// A transport that claims to have received more bytes than fit the buffer.
    final class OverclaimingTransport: NetlinkTransport {
        let portID: UInt32 = 1
        func send(_ datagram: [UInt8]) throws(Errno) {}
        func receive(into buffer: inout [UInt8]) throws(Errno) -> Int { buffer.count + 64 }
        func growReceiveBuffer() -> Bool { false }
    }

    @Test("a transport reporting more bytes than its buffer holds is an error, not an out-of-bounds slice")
    func overclaimingTransport() throws {
        #expect(throws: (any Error).self) { try DumpFixture.collect(NetlinkConnection(transport: OverclaimingTransport())) }
        #expect(throws: (any Error).self) {
            try NetlinkConnection(transport: OverclaimingTransport()).request(RequestTests.request, operation: RequestTests.operation)
        }
    }
}
