import NetCore
import Netlink
import NetlinkTesting
import SockDiag
import Testing

/// The reader's conversation without a kernel: the requests it sends and how it treats replies.
@Suite struct SocketDiagReaderTests {
    @Test func asksForEachProtocolAndFamilyWithTheListeningState() throws {
        let transport = ScriptedNetlinkTransport { request in
            let family = request.message.payload.first ?? 0
            let proto = request.message.payload.dropFirst().first ?? 0
            // One socket per dump; an extra one in a state that was not asked for must be filtered out.
            let state: UInt8 = proto == 6 ? 10 : 7
            let local: [UInt8] = family == 2 ? [10, 0, 0, proto] : [UInt8](repeating: 0, count: 15) + [proto]
            let payloads = [
                InetDiagDecodingTests.payload(family: family, state: state, localPort: 1000 + UInt16(proto), local: local),
                InetDiagDecodingTests.payload(family: family, state: 1, localPort: 9, local: local),
            ]
            return request.replies.dump(type: InetDiagRequest.messageType, payloads: payloads)
        }
        let reader = SocketDiagReader(connection: NetlinkConnection(transport: transport))
        let sockets = try reader.listeningSockets()
        #expect(sockets.map { "\($0.0) \($0.1.localAddress) \($0.1.localPort)" }
                == ["tcp 10.0.0.6 1006", "tcp ::6 1006", "udp 10.0.0.17 1017", "udp ::11 1017"])
        let requests = transport.sentRequests
        #expect(requests.count == 4)
        for request in requests {
            #expect(request.header.type == 20)
            #expect(request.header.flags.contains(.dump))
            #expect(request.payload.count == InetDiagRequest.size)
            let states = try request.payload.hostInteger(UInt32.self, at: 4, path: "states")
            #expect(states == (request.payload[request.payload.startIndex + 1] == 6 ? 1 << 10 : 1 << 7))
        }
    }

    @Test func aMalformedReplyIsADecodeError() throws {
        let transport = ScriptedNetlinkTransport { request in
            request.replies.dump(type: InetDiagRequest.messageType, payloads: [[2, 10, 0, 0, 0, 80]])
        }
        let reader = SocketDiagReader(connection: NetlinkConnection(transport: transport))
        #expect(throws: DecodeError.self) { try reader.listeningSockets() }
    }
}
