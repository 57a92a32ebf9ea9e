import NetCore
import Netlink
import NetlinkTesting
import Testing

/// A tree of attributes to encode with `NetlinkRequest` and read back with `NetlinkAttributes`.
indirect enum AttributeTree: Equatable, CustomStringConvertible {
    case leaf(type: UInt16, bytes: [UInt8])
    case nest(type: UInt16, children: [AttributeTree])

    static func random(depth: Int, _ random: inout SeededGenerator) -> AttributeTree {
        let type = UInt16.random(in: 0...0x3fff, using: &random)
        if depth < 3, Int.random(in: 0..<4, using: &random) == 0 {
            return .nest(type: type, children: (0..<Int.random(in: 0...4, using: &random)).map { _ in
                AttributeTree.random(depth: depth + 1, &random)
            })
        }
        return .leaf(type: type, bytes: random.bytes(Int.random(in: 0...13, using: &random)))
    }

    func encode(into request: inout NetlinkRequest) {
        switch self {
        case .leaf(let type, let bytes): request.append(type, bytes: bytes)
        case .nest(let type, let children):
            request.beginNest(type)
            for child in children { child.encode(into: &request) }
            request.endNest()
        }
    }

    static func decode(_ attributes: NetlinkAttributes) throws -> [AttributeTree] {
        try attributes.all().map { attribute in
            attribute.isNestedFlagSet
                ? .nest(type: attribute.type, children: try decode(attribute.nested))
                : .leaf(type: attribute.type, bytes: Array(attribute.payload))
        }
    }

    var description: String {
        switch self {
        case .leaf(let type, let bytes): return "\(type):\(bytes)"
        case .nest(let type, let children): return "\(type){\(children.map(\.description).joined(separator: ","))}"
        }
    }
}

@Suite("NetlinkRequest round trip")
struct RequestRoundTripTests {
    @Test("typed appends read back through the typed getters")
    func typedAppends() throws {
        var request = NetlinkRequest(type: 0x0a01, flags: .dump, familyHeader: [2, 0, 0x0a])
        request.append(1, u32: 0xdead_beef)
        request.append(2, u32BigEndian: 0x0a2a_0005)
        request.append(3, string: "KUBE-SERVICES")
        request.beginNest(4)
        request.append(1, string: "inner")
        request.beginNest(2)
        request.append(9, bytes: [1, 2, 3])
        request.endNest()
        request.endNest()
        request.append(5, bytes: [])
        let bytes = request.encoded(sequence: 77, portID: 1234)
        let message = try #require(try NetlinkMessageSequence(bytes[...]).validated().first)
        #expect(message.header == NetlinkHeader(length: UInt32(bytes.count), type: 0x0a01,
                                                flags: [.request, .dump], sequence: 77, portID: 1234))
        #expect(Array(message.payload.prefix(3)) == [2, 0, 0x0a])
        let table = try message.attributes(afterFamilyHeader: 3, path: "req").table()
        #expect(try table[1]?.u32() == 0xdead_beef)
        #expect(try table[2]?.u32BigEndian() == 0x0a2a_0005)
        #expect(try table[2]?.address() == IPAddress("10.42.0.5"))
        #expect(table[3]?.string == "KUBE-SERVICES")
        let nest = try #require(table[4])
        #expect(nest.isNestedFlagSet)
        let inner = try nest.nested.all()
        #expect(inner.map(\.type) == [1, 2])
        #expect(inner[0].string == "inner")
        #expect(try inner[1].nested.all().map { Array($0.payload) } == [[1, 2, 3]])
        #expect(table[5]?.payload.isEmpty == true)
    }

    @Test("2000 random attribute trees: encode then decode gives the same tree")
    func randomTrees() throws {
        var random = SeededGenerator(seed: 0x726f_756e_6474_7269)
        for _ in 0..<2000 {
            let familyHeader = random.bytes(Int.random(in: 0...20, using: &random))
            let trees = (0..<Int.random(in: 0...6, using: &random)).map { _ in AttributeTree.random(depth: 0, &random) }
            var request = NetlinkRequest(type: .random(in: 16...0xffff, using: &random), flags: [], familyHeader: familyHeader)
            for tree in trees { tree.encode(into: &request) }
            let sequence = UInt32.random(in: 0...UInt32.max, using: &random)
            let bytes = request.encoded(sequence: sequence)
            #expect(bytes.count % 4 == 0)
            let messages = try NetlinkMessageSequence(bytes[...]).validated()
            try #require(messages.count == 1)
            #expect(messages[0].header.sequence == sequence)
            #expect(messages[0].header.type == request.type)
            let decoded = try AttributeTree.decode(messages[0].attributes(afterFamilyHeader: familyHeader.count, path: "r"))
            #expect(decoded == trees, "family header \(familyHeader.count) bytes")
        }
    }
}
