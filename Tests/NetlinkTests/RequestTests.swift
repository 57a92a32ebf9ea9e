import NetCore
import Netlink
import NetlinkTesting
import SystemPackage
import Testing

@Suite("netlink request and acknowledgement")
struct RequestTests {
    static let getNSID: UInt16 = 90    // RTM_GETNSID
    static let newNSID: UInt16 = 88    // RTM_NEWNSID
    static let operation = NetlinkOperation.get("nsid")

    static var request: NetlinkRequest {
        var request = NetlinkRequest(type: getNSID, flags: [], familyHeader: [0, 0, 0, 0])
        request.append(3 /* NETNSA_FD */, u32: 7)
        return request
    }

    static func reply(_ id: UInt32) -> [UInt8] {
        NetlinkReplyBuilder.payload(familyHeader: [0, 0, 0, 0]) { $0.append(1 /* NETNSA_NSID */, u32: id) }
    }

    @Test("request() sends with NLM_F_ACK and returns the replies that came before the ack")
    func returnsReplies() throws {
        for packed in [true, false] {
            let transport = ScriptedNetlinkTransport { request in
                let replies = request.replies
                let answer = replies.message(type: Self.newNSID, flags: [], payload: Self.reply(5))
                let ack = replies.ack(for: request.datagram)
                return packed ? [.messages([answer, ack])] : [.messages([answer]), .messages([ack])]
            }
            let replies = try NetlinkConnection(transport: transport).request(Self.request, operation: Self.operation)
            #expect(replies.count == 1)
            let attributes = try #require(replies.first).attributes(afterFamilyHeader: 4, path: "nsid").table()
            #expect(try attributes[1]?.u32() == 5)
            let sent = try #require(transport.sentRequests.first)
            #expect(sent.header.flags.isSuperset(of: [.request, .ack]))
            #expect(!sent.header.flags.contains(.dump))
            #expect(transport.pendingReplies.isEmpty)
        }
    }

    @Test("a bare ack returns no replies")
    func bareAck() throws {
        let transport = ScriptedNetlinkTransport { [.messages([$0.replies.ack(for: $0.datagram)])] }
        #expect(try NetlinkConnection(transport: transport).request(Self.request, operation: Self.operation).isEmpty)
    }

    @Test("a negative ack throws NetlinkError with errno and extended-ack text")
    func negativeAck() throws {
        for (capped, text) in [(true, "Invalid netns id"), (false, "Invalid netns id"), (true, nil)] as [(Bool, String?)] {
            let transport = ScriptedNetlinkTransport { request in
                [.messages([request.replies.error(.invalidArgument, for: request.datagram, extendedAckMessage: text,
                                                  capped: capped)])]
            }
            let error = try #require(throws: NetlinkError.self) {
                try NetlinkConnection(transport: transport).request(Self.request, operation: Self.operation)
            }
            #expect(error.errno == .invalidArgument)
            #expect(error.kernelMessage == text)
            #expect(error.operation == Self.operation)
        }
    }

    @Test("a stale negative ack and a foreign reply do not end the current request")
    func staleAckSkipped() throws {
        let transport = ScriptedNetlinkTransport { request in
            let replies = request.replies
            return [.messages([replies.stale().error(.invalidArgument, for: request.datagram),
                               replies.addressed(to: 99).message(type: Self.newNSID, flags: [], payload: Self.reply(1))]),
                    .messages([replies.message(type: Self.newNSID, flags: [], payload: Self.reply(2)),
                               replies.ack(for: request.datagram)])]
        }
        let replies = try NetlinkConnection(transport: transport).request(Self.request, operation: Self.operation)
        #expect(replies.count == 1)
        #expect(try replies.first?.attributes(afterFamilyHeader: 4, path: "nsid").table()[1]?.u32() == 2)
    }

    @Test("a send failure is a NetlinkError naming the operation")
    func sendFailure() throws {
        let transport = ScriptedNetlinkTransport { _ in throw DecodeError(path: "x", offset: 0, reason: "refuse") }
        let error = try #require(throws: NetlinkError.self) {
            try NetlinkConnection(transport: transport).request(Self.request, operation: Self.operation)
        }
        #expect(error.errno == .invalidArgument)
        #expect(error.operation == Self.operation)
    }

    @Test("an NLMSG_ERROR whose extended-ack attributes are malformed still reports the errno")
    func malformedExtendedAck() throws {
        let transport = ScriptedNetlinkTransport { request in
            var error = request.replies.error(.operationNotSupportedByDevice, for: request.datagram, extendedAckMessage: "No such device")
            // Make the TLV claim more bytes than there are.
            error[16 + 20] = 0xff
            return [.datagram(error)]
        }
        let error = try #require(throws: NetlinkError.self) {
            try NetlinkConnection(transport: transport).request(Self.request, operation: Self.operation)
        }
        #expect(error.errno == .operationNotSupportedByDevice)
        #expect(error.kernelMessage == nil)
    }
}
