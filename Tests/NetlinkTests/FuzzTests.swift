import NetCore
import Netlink
import NetlinkTesting
import SystemPackage
import Testing

/// Random and mutated datagrams through every decoder. A trap would kill the test process, so finishing is
/// the main assertion; the walks also check that every slice they were handed lies inside the input.
@Suite("netlink decoder fuzzing")
struct FuzzTests {
    static let seed: UInt64 = 0x6e66_7363_6f70_6501

    /// A valid dump datagram with nested attributes three levels deep, the seed corpus for mutations.
    static func corpus(_ random: inout SeededGenerator) -> [UInt8] {
        let builder = NetlinkReplyBuilder(sequence: 1, portID: 7)
        var messages: [[UInt8]] = []
        for index in 0..<Int.random(in: 1...4, using: &random) {
            let payload = NetlinkReplyBuilder.payload(familyHeader: [UInt8](repeating: 0, count: 16)) { request in
                request.append(3, string: "eth\(index)")
                request.append(4, u32: UInt32(index))
                request.beginNest(18)
                request.append(1, string: "veth")
                request.beginNest(2)
                request.append(1, u32BigEndian: 0x0a00_0001)
                request.beginNest(7)
                request.append(1, bytes: random.bytes(Int.random(in: 0...9, using: &random)))
                request.endNest()
                request.endNest()
                request.endNest()
            }
            messages.append(builder.part(type: 16, payload: payload))
        }
        messages.append(builder.done())
        return NetlinkReplyBuilder.pack(messages)
    }

    static func mutate(_ bytes: [UInt8], _ random: inout SeededGenerator) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            guard !bytes.isEmpty else { return random.bytes(8) }
            let at = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<7, using: &random) {
            case 0: bytes[at] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &random)
            case 1: bytes[at] = UInt8.random(in: 0...255, using: &random)
            case 2: bytes.removeLast(Int.random(in: 0...min(bytes.count, 12), using: &random))
            case 3: bytes.append(contentsOf: random.bytes(Int.random(in: 1...12, using: &random)))
            case 4:  // a length field (nlmsg_len or nla_len) set to something interesting
                let value = [0, 1, 3, 4, 15, 16, 17, 0xff, 0xffff, Int.random(in: 0...300, using: &random)]
                    .randomElement(using: &random) ?? 0
                bytes[at] = UInt8(value & 0xff)
                if at + 1 < bytes.count { bytes[at + 1] = UInt8(value >> 8 & 0xff) }
            case 5: bytes.insert(contentsOf: random.bytes(Int.random(in: 1...6, using: &random)), at: at)
            default: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...8, using: &random)))
            }
        }
        return bytes
    }

    /// A plausible-looking random datagram: headers with lengths near the real ones, random bodies.
    static func randomDatagram(_ random: inout SeededGenerator) -> [UInt8] {
        var bytes: [UInt8] = []
        for _ in 0..<Int.random(in: 0...3, using: &random) {
            let body = random.bytes(Int.random(in: 0...48, using: &random))
            var message = NetlinkReplyBuilder.encode(type: UInt16.random(in: 0...20, using: &random),
                                                     flags: NetlinkFlags(rawValue: .random(in: 0...0x3ff, using: &random)),
                                                     sequence: 1, portID: 7, payload: body)
            if Bool.random(using: &random) { message[0] = UInt8.random(in: 0...255, using: &random) }
            bytes += message
        }
        if Bool.random(using: &random) { bytes += random.bytes(Int.random(in: 0...5, using: &random)) }
        return bytes
    }

    /// Walks everything a consumer could walk; returns how many attributes it saw.
    @discardableResult
    static func walk(_ datagram: [UInt8]) -> Int {
        var seen = 0
        var iterator = NetlinkMessageSequence(datagram[...]).makeIterator()
        var consumed = 0
        while let message = iterator.next() {
            #expect(message.payload.count + NetlinkHeader.size == Int(message.header.length))
            #expect(message.payload.startIndex >= NetlinkHeader.size && message.payload.endIndex <= datagram.count)
            consumed = message.payload.endIndex
            if message.header.type == NetlinkControlType.error { _ = try? NetlinkAck(message) }
            for familyHeader in [0, 4, 16] {
                guard let attributes = try? message.attributes(afterFamilyHeader: familyHeader, path: "m") else { continue }
                seen += walk(attributes, depth: 0, within: message.payload)
            }
        }
        #expect(consumed <= datagram.count)
        return seen
    }

    static func walk(_ attributes: NetlinkAttributes, depth: Int, within outer: ArraySlice<UInt8>) -> Int {
        var cursor = attributes.makeCursor()
        var seen = 0
        while true {
            let attribute: NetlinkAttribute?
            do { attribute = try cursor.next() } catch { break }
            guard let attribute else { break }
            seen += 1
            #expect(attribute.payload.startIndex >= outer.startIndex && attribute.payload.endIndex <= outer.endIndex)
            _ = try? attribute.u8(); _ = try? attribute.u16(); _ = try? attribute.u32(); _ = try? attribute.u64()
            _ = try? attribute.i32(); _ = try? attribute.u32BigEndian(); _ = try? attribute.u64BigEndian()
            _ = try? attribute.address(); _ = attribute.string
            if depth < 4 { seen += walk(attribute.nested, depth: depth + 1, within: attribute.payload) }
        }
        return seen
    }

    @Test("5000 random datagrams never trap")
    func randomDatagrams() {
        var random = SeededGenerator(seed: Self.seed)
        for _ in 0..<5000 {
            Self.walk(Bool.random(using: &random) ? Self.randomDatagram(&random)
                                                  : random.bytes(Int.random(in: 0...96, using: &random)))
        }
    }

    @Test("5000 mutated valid dumps never trap; the unmutated corpus decodes fully")
    func mutatedDatagrams() {
        var random = SeededGenerator(seed: Self.seed &+ 1)
        for _ in 0..<5000 {
            let valid = Self.corpus(&random)
            #expect(throws: Never.self) { try NetlinkMessageSequence(valid[...]).validated() }
            Self.walk(Self.mutate(valid, &random))
        }
    }

    @Test("1000 mutated dumps through NetlinkConnection end in a value or a typed error")
    func mutatedConversations() {
        var random = SeededGenerator(seed: Self.seed &+ 2)
        var outcomes: [String: Int] = [:]
        for _ in 0..<1000 {
            // The mutations must keep the real sequence number and port id often enough to matter.
            let datagram = Self.mutate(Self.corpus(&random), &random)
            let transport = ScriptedNetlinkTransport(portID: 7, queue: [.datagram(datagram)])
            let connection = NetlinkConnection(transport: transport)
            do {
                try connection.dump(DumpFixture.request, operation: DumpFixture.operation) { message in
                    _ = try message.attributes(afterFamilyHeader: 16, path: "link").all()
                }
                outcomes["ok", default: 0] += 1
            } catch let error as DecodeError {
                #expect(!error.path.isEmpty)
                outcomes["decode", default: 0] += 1
            } catch let error as NetlinkError {
                #expect(error.operation == DumpFixture.operation)
                outcomes["netlink \(error.errno)", default: 0] += 1
            } catch {
                Issue.record("untyped error \(error)")
            }
        }
        // Every outcome class must occur, or the mutations are not reaching the interesting paths.
        #expect((outcomes["ok"] ?? 0) > 0)
        #expect((outcomes["decode"] ?? 0) > 0)
        #expect(outcomes.keys.contains { $0.hasPrefix("netlink") })
    }
}
