import NetCore
import Netlink
import Route
import SystemPackage
import Testing

/// A transport that answers each request with replies a test script builds from it.
final class ScriptedTransport: NetlinkTransport {
    struct Sent {
        var type: UInt16
        var flags: UInt16
        var sequence: UInt32
        var body: [UInt8]
    }

    let portID: UInt32 = 4242
    private(set) var sent: [Sent] = []
    private var queue: [[UInt8]] = []
    /// Returns the messages (each a whole datagram's worth) answering a request.
    let answer: (Sent, Int) -> [MessageBuilder]

    init(answer: @escaping (Sent, Int) -> [MessageBuilder]) { self.answer = answer }

    func send(_ datagram: [UInt8]) throws(Errno) {
        let bytes = datagram[...]
        guard let type = try? bytes.hostInteger(UInt16.self, at: 4, path: ""),
              let flags = try? bytes.hostInteger(UInt16.self, at: 6, path: ""),
              let sequence = try? bytes.hostInteger(UInt32.self, at: 8, path: "") else { throw .invalidArgument }
        let request = Sent(type: type, flags: flags, sequence: sequence, body: Array(datagram.dropFirst(16)))
        sent.append(request)
        for reply in answer(request, sent.count - 1) {
            var out = reply.bytes
            // Stamp the request's sequence number and our port id, as the kernel does.
            for index in 0..<4 {
                out[8 + index] = UInt8(truncatingIfNeeded: sequence >> (8 * index))
                out[12 + index] = UInt8(truncatingIfNeeded: portID >> (8 * index))
            }
            queue.append(out)
        }
    }

    func receive(into buffer: inout [UInt8]) throws(Errno) -> Int {
        guard !queue.isEmpty else { throw .wouldBlock }
        let next = queue.removeFirst()
        buffer.replaceSubrange(0..<next.count, with: next)
        return next.count
    }

    func growReceiveBuffer() -> Bool { false }

    static func done() -> MessageBuilder { MessageBuilder(type: 3, familyHeader: [0, 0, 0, 0]) }

    static func ack() -> MessageBuilder {
        var ack = MessageBuilder(type: 2, familyHeader: [UInt8](repeating: 0, count: 20))
        ack.familyHeader[4] = 16  // the echoed request header's length
        return ack
    }
}

@Suite("route reader over a scripted transport")
struct RouteReaderFakeTests {
    static func routeMessage(family: UInt8, table: UInt32, destination: String, length: UInt8) -> MessageBuilder {
        var builder = MessageBuilder.route(family: family, destinationLength: length,
                                           table: table > 255 ? 252 : UInt8(table))
        builder.attributes.u32(15, table)
        builder.attributes.address(1, destination)
        builder.attributes.i32(4, 2)
        return builder
    }

    @Test("routes() dumps IPv4 and IPv6 with an all-zero rtmsg but the family, and keeps every table")
    func routeDumpRequests() throws {
        let transport = ScriptedTransport { request, _ in
            let family = request.body.first ?? 0
            if family == 2 {
                return [Self.routeMessage(family: 2, table: 255, destination: "10.0.0.1", length: 32),
                        Self.routeMessage(family: 2, table: 254, destination: "10.0.0.0", length: 24),
                        Self.routeMessage(family: 2, table: 100, destination: "10.50.0.0", length: 16),
                        Self.routeMessage(family: 2, table: 70000, destination: "10.60.0.0", length: 16),
                        ScriptedTransport.done()]
            }
            return [Self.routeMessage(family: 10, table: 254, destination: "2001:db8::", length: 64), ScriptedTransport.done()]
        }
        let reader = RouteReader(connection: NetlinkConnection(transport: transport))
        let routes = try reader.routes()
        #expect(routes.map(\.table.rawValue) == [255, 254, 100, 70000, 254])
        #expect(routes.map(\.family) == [.ipv4, .ipv4, .ipv4, .ipv4, .ipv6])
        #expect(transport.sent.count == 2)
        for (request, family) in zip(transport.sent, [UInt8(2), 10]) {
            #expect(request.type == 26)                       // RTM_GETROUTE
            #expect(request.flags & 0x301 == 0x301)           // NLM_F_REQUEST | NLM_F_DUMP
            #expect(request.body == [family] + [UInt8](repeating: 0, count: 11))
        }
    }

    @Test("snapshot() replays every dump when one of them is interrupted (NLM_F_DUMP_INTR)")
    func snapshotReplays() throws {
        var interruptedOnce = false
        let transport = ScriptedTransport { request, _ in
            switch request.type {
            case 18:
                var link = MessageBuilder.link(index: 1)
                link.attributes.string(3, "lo")
                return [link, ScriptedTransport.done()]
            case 26 where request.body.first == 2:
                var reply = Self.routeMessage(family: 2, table: 254, destination: "10.0.0.0", length: 8)
                var done = ScriptedTransport.done()
                if !interruptedOnce {
                    interruptedOnce = true
                    reply.flags |= 0x10
                    done.flags |= 0x10
                }
                return [reply, done]
            default:
                return [ScriptedTransport.done()]
            }
        }
        let snapshot = try RouteReader(connection: NetlinkConnection(transport: transport)).snapshot()
        #expect(snapshot.links.map(\.name) == ["lo"])
        #expect(snapshot.routes.count == 1)
        // links, v4 addresses, v6 addresses, v4 routes (interrupted), then the whole set again: 1 + 2 + 2 + 2 + 2.
        #expect(transport.sent.filter { $0.type == 18 }.count == 2)
        #expect(transport.sent.count == 4 + 9)
    }

    @Test("namespaceID(ofDescriptor:) sends RTM_GETNSID with NETNSA_FD and reads NETNSA_NSID; -1 is nil")
    func namespaceIDs() throws {
        var answers: [Int32] = [3, -1]
        let transport = ScriptedTransport { _, _ in
            var reply = MessageBuilder(type: 88, familyHeader: [0])
            reply.attributes.i32(1, answers.removeFirst())
            return [reply, ScriptedTransport.ack()]
        }
        let reader = RouteReader(connection: NetlinkConnection(transport: transport))
        #expect(try reader.namespaceID(ofDescriptor: 9) == 3)
        #expect(try reader.namespaceID(ofDescriptor: 9) == nil)
        let request = try #require(transport.sent.first)
        #expect(request.type == 90)
        #expect(request.body == [0, 0, 0, 0, 8, 0, 3, 0, 9, 0, 0, 0])
    }
}
