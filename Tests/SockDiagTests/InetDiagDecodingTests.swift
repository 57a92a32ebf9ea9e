import NetCore
import Netlink
import NetlinkTesting
import SockDiag
import Testing

/// `struct inet_diag_msg` replies built byte by byte as the kernel lays them out (inet_diag_msg_common_fill,
/// inet_diag_msg_attrs_fill), decoded; malformed and random bytes must give DecodeError, never a trap.
@Suite struct InetDiagDecodingTests {
    /// `INET_DIAG_SKV6ONLY`.
    static let v6Only: UInt16 = 11

    /// An `inet_diag_msg` payload; `attributes` follow the 72-byte header.
    static func payload(family: UInt8, state: UInt8, localPort: UInt16, local: [UInt8], remotePort: UInt16 = 0,
                        remote: [UInt8] = [], interface: UInt32 = 0, inode: UInt32 = 4242,
                        attributes: [(type: UInt16, payload: [UInt8])] = []) -> [UInt8] {
        var bytes: [UInt8] = [family, state, 0, 0]
        bytes.appendBigEndian(localPort)
        bytes.appendBigEndian(remotePort)
        bytes += local + [UInt8](repeating: 0, count: 16 - local.count)
        bytes += remote + [UInt8](repeating: 0, count: 16 - remote.count)
        bytes.appendHost(interface)
        bytes += [UInt8](repeating: 0xcc, count: 8)  // cookie
        for value: UInt32 in [0, 0, 0, 1000] { bytes.appendHost(value) }  // expires, rqueue, wqueue, uid
        bytes.appendHost(inode)
        for attribute in attributes { bytes += NetlinkReplyBuilder.attribute(attribute.type, attribute.payload) }
        return bytes
    }

    static func message(_ payload: [UInt8]) throws -> NetlinkMessage {
        let bytes = NetlinkReplyBuilder(sequence: 1, portID: 1).message(type: InetDiagRequest.messageType, payload: payload)
        guard let message = NetlinkMessageSequence(bytes[...]).first(where: { _ in true }) else {
            throw DecodeError(path: "test", offset: 0, reason: "no message")
        }
        return message
    }

    @Test func decodesAnIPv4ListenerBoundToADevice() throws {
        let socket = try InetDiagSocket(decoding: Self.message(Self.payload(family: 2, state: 10, localPort: 8080,
                                                                           local: [10, 0, 0, 1], interface: 3)))
        #expect(socket.family == .ipv4)
        #expect(socket.state == InetDiagState.listen)
        #expect(socket.localAddress == IPAddress(networkBytes: [10, 0, 0, 1]))
        #expect(socket.localPort == 8080)
        #expect(socket.boundInterface == 3)
        #expect(socket.v6Only == false)
        #expect(socket.inode == 4242)
    }

    @Test func decodesAnIPv6WildcardWithV6Only() throws {
        for flag: UInt8 in [0, 1] {
            let payload = Self.payload(family: 10, state: 7, localPort: 53, local: [], attributes: [(Self.v6Only, [flag])])
            let socket = try InetDiagSocket(decoding: Self.message(payload))
            #expect(socket.localAddress == .unspecified(.ipv6))
            #expect(socket.boundInterface == nil)
            #expect(socket.v6Only == (flag == 1))
        }
    }

    @Test func everyTruncationIsADecodeError() throws {
        let full = Self.payload(family: 10, state: 10, localPort: 443, local: [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1],
                                attributes: [(Self.v6Only, [1])])
        for length in 0..<InetDiagSocket.headerSize {
            #expect(throws: DecodeError.self) { try InetDiagSocket(decoding: Self.message(Array(full.prefix(length)))) }
        }
        // A cut inside the attribute area: the attribute header claims more than is there.
        #expect(throws: DecodeError.self) { try InetDiagSocket(decoding: Self.message(Array(full.prefix(InetDiagSocket.headerSize + 4)))) }
        #expect(throws: DecodeError.self) {
            try InetDiagSocket(decoding: Self.message(Self.payload(family: 7, state: 10, localPort: 1, local: [])))
        }
        // A v6only attribute of the wrong width.
        #expect(throws: DecodeError.self) {
            try InetDiagSocket(decoding: Self.message(Self.payload(family: 10, state: 10, localPort: 1, local: [], attributes: [(Self.v6Only, [1, 0])])))
        }
    }

    @Test func randomBytesNeverTrap() throws {
        var generator = SeededGenerator(seed: 0x50c4_d1a6)
        let valid = Self.payload(family: 2, state: 10, localPort: 80, local: [127, 0, 0, 1], attributes: [(Self.v6Only, [0])])
        var decoded = 0, rejected = 0
        for round in 0..<4000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = generator.bytes(Int.random(in: 0...120, using: &generator))
            } else {
                bytes = valid
                for _ in 0..<Int.random(in: 1...6, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
                bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &generator)))
            }
            do {
                _ = try InetDiagSocket(decoding: Self.message(bytes))
                decoded += 1
            } catch is DecodeError {
                rejected += 1
            }
        }
        #expect(decoded > 0)
        #expect(rejected > 0)
    }
}
