import NetCore
import Netlink
import Route
import Testing
import NetlinkTesting

@Suite("decoding garbage never traps")
struct DecodingFuzzTests {
    /// Valid messages of every kind, the starting points for mutation.
    static func corpus() -> [[UInt8]] {
        var link = MessageBuilder.link(index: 4)
        link.attributes.string(3, "veth0")
        link.attributes.u32(4, 1500)
        link.attributes.i32(37, 0)
        link.attributes.nest(18) { info in
            info.string(1, "vxlan")
            info.nest(2) { $0.u32(1, 7); $0.address(4, "10.0.0.1"); $0.u16BigEndian(15, 4789) }
        }
        var address = MessageBuilder.address(family: 10, prefixLength: 64, index: 4)
        address.attributes.address(1, "2001:db8::1")
        address.attributes.u32(8, 0x80)
        var route = MessageBuilder.route(family: 10, destinationLength: 48, table: 252)
        route.attributes.u32(15, 1000)
        route.attributes.address(1, "2001:db8:1::")
        route.attributes.nest(8) { $0.u32(2, 1280) }
        route.attributes.raw(9, nexthopBytes(index: 2) { $0.address(5, "fe80::1") }
                                 + nexthopBytes(index: 3, hops: 2) { $0.address(5, "fe80::2") })
        var rule = MessageBuilder.rule(family: 2, sourceLength: 8)
        rule.attributes.address(2, "10.0.0.0")
        rule.attributes.u32(10, 1)
        rule.attributes.raw(23, [1, 0, 2, 0])
        rule.attributes.raw(20, [0, 0, 0, 0, 1, 0, 0, 0])
        var neighbour = MessageBuilder.neighbour(family: 2, index: 4, state: 0x80)
        neighbour.attributes.address(1, "10.0.0.9")
        neighbour.attributes.raw(2, [2, 0, 0, 0, 0, 9])
        return [link.bytes, address.bytes, route.bytes, rule.bytes, neighbour.bytes]
    }

    static func mutate(_ original: [UInt8], _ rng: inout SeededGenerator) -> [UInt8] {
        var bytes = original
        switch rng.next() % 5 {
        case 0:  // flip a few bytes after the netlink header
            for _ in 0..<(1 + Int(rng.next() % 6)) where bytes.count > 16 {
                bytes[16 + Int(rng.next() % UInt64(bytes.count - 16))] = UInt8(truncatingIfNeeded: rng.next())
            }
        case 1:  // truncate
            bytes = Array(bytes.prefix(16 + Int(rng.next() % UInt64(max(1, bytes.count - 15)))))
        case 2:  // append garbage
            bytes += (0..<Int(rng.next() % 24)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        case 3:  // overwrite a 16-bit field at a 4-byte boundary: an attribute or nexthop length, most likely
            if bytes.count > 20 {
                let at = 16 + 4 * Int(rng.next() % UInt64((bytes.count - 18) / 4))
                let value = UInt16(truncatingIfNeeded: rng.next() % 3 == 0 ? rng.next() % 12 : rng.next())
                bytes[at] = UInt8(truncatingIfNeeded: value)
                bytes[at + 1] = UInt8(truncatingIfNeeded: value >> 8)
            }
        default:  // nothing but noise after a header
            bytes = Array(bytes.prefix(16)) + (0..<Int(rng.next() % 96)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        }
        // Keep nlmsg_len equal to the buffer most of the time, so the garbage reaches the decoders.
        if rng.next() % 8 != 0, bytes.count >= 4 {
            let length = UInt32(bytes.count)
            for index in 0..<4 { bytes[index] = UInt8(truncatingIfNeeded: length >> (8 * index)) }
        }
        return bytes
    }

    /// Runs every decoder on the message, with the message type set to the one each expects.
    static func decodeAll(_ message: NetlinkMessage) -> [any Error] {
        var errors: [any Error] = []
        let decoders: [(UInt16, (NetlinkMessage) throws -> Void)] = [
            (16, { _ = try Link(decoding: $0) }), (20, { _ = try InterfaceAddress(decoding: $0) }),
            (24, { _ = try Route(decoding: $0) }), (32, { _ = try PolicyRule(decoding: $0) }),
            (28, { _ = try Neighbour(decoding: $0) }),
        ]
        for (type, decode) in decoders {
            var retyped = message
            retyped.header.type = type
            do { try decode(retyped) } catch { errors.append(error) }
        }
        return errors
    }

    @Test("5000 mutated messages (seed 0x5eed): every failure is a DecodeError, nothing traps")
    func fuzz() {
        var rng = SeededGenerator(seed: 0x5eed)
        let corpus = DecodingFuzzTests.corpus()
        var decodeErrors = 0, decoded = 0, otherErrors: [String] = []
        for _ in 0..<5000 {
            let bytes = DecodingFuzzTests.mutate(corpus[Int(rng.next() % UInt64(corpus.count))], &rng)
            let messages: [NetlinkMessage]
            do { messages = try NetlinkMessageSequence(bytes[...]).validated() } catch {
                if error is DecodeError { decodeErrors += 1 } else { otherErrors.append("\(error)") }
                continue
            }
            for message in messages {
                let errors = DecodingFuzzTests.decodeAll(message)
                decoded += 5 - errors.count
                for error in errors {
                    if error is DecodeError { decodeErrors += 1 } else { otherErrors.append("\(error)") }
                }
            }
        }
        #expect(otherErrors.isEmpty, "non-DecodeError failures: \(otherErrors.prefix(3))")
        // Both outcomes must occur, or the mutations are not reaching the decoders.
        #expect(decodeErrors > 1000)
        #expect(decoded > 100)
    }

    @Test("every prefix of every valid message either decodes or throws DecodeError")
    func truncations() {
        for original in DecodingFuzzTests.corpus() {
            for length in 16..<original.count {
                var bytes = Array(original.prefix(length))
                let declared = UInt32(length)
                for index in 0..<4 { bytes[index] = UInt8(truncatingIfNeeded: declared >> (8 * index)) }
                guard let messages = try? NetlinkMessageSequence(bytes[...]).validated() else { continue }
                for message in messages {
                    for error in DecodingFuzzTests.decodeAll(message) {
                        #expect(error is DecodeError, "length \(length): \(error)")
                    }
                }
            }
        }
    }
}
