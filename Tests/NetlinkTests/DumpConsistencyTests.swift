import NetCore
import Netlink
import NetlinkTesting
import SystemPackage
import Testing

@Suite("netlink dump consistency: NLM_F_DUMP_INTR and ENOBUFS")
struct DumpConsistencyTests {
    static let names = DumpFixture.names(6)

    /// A dump whose first `brokenAttempts` answers are broken by `breakage`, and clean afterwards.
    static func transport(brokenAttempts: Int, breakage: @escaping @Sendable (NetlinkReplyBuilder) -> [ScriptedReply])
        -> ScriptedNetlinkTransport {
        ScriptedNetlinkTransport { request in
            request.index < brokenAttempts
                ? breakage(request.replies)
                : request.replies.dump(type: DumpFixture.newLink, payloads: DumpFixture.payloads(names))
        }
    }

    static func interrupted(_ replies: NetlinkReplyBuilder) -> [ScriptedReply] {
        replies.dump(type: DumpFixture.newLink, payloads: DumpFixture.payloads(["old0"] + names.dropFirst(2)),
                     interruptedAt: 2)
    }

    /// Two parts arrive, the socket overflows, the rest of the dump (which must be drained) follows.
    static func overrun(_ replies: NetlinkReplyBuilder) -> [ScriptedReply] {
        let parts = DumpFixture.payloads(names).map { replies.part(type: DumpFixture.newLink, payload: $0) }
        return [.messages(Array(parts[0..<2])), .overrun,
                .messages(Array(parts[4...])), .messages([replies.done()])]
    }

    @Test("NLM_F_DUMP_INTR on a part makes dump() return .interrupted after reading to DONE")
    func interruptedPart() throws {
        let transport = Self.transport(brokenAttempts: 1, breakage: Self.interrupted)
        let result = try DumpFixture.collect(NetlinkConnection(transport: transport))
        #expect(result.inconsistency == .interrupted)
        #expect(result.names.count == Self.names.count - 1)
        #expect(transport.pendingReplies.isEmpty)
    }

    @Test("NLM_F_DUMP_INTR on the DONE alone also counts")
    func interruptedDone() throws {
        let transport = ScriptedNetlinkTransport { request in
            request.replies.dump(type: DumpFixture.newLink, payloads: DumpFixture.payloads(Self.names),
                                 done: request.replies.done(flags: [.multipart, .dumpInterrupted]))
        }
        #expect(try DumpFixture.collect(NetlinkConnection(transport: transport)).inconsistency == .interrupted)
    }

    @Test("consistentDump replays the whole dump after NLM_F_DUMP_INTR, resetting before each attempt")
    func replayAfterInterrupt() throws {
        let transport = Self.transport(brokenAttempts: 2, breakage: Self.interrupted)
        let connection = NetlinkConnection(transport: transport)
        var collected: [String] = []
        var resets = 0
        try connection.consistentDump(DumpFixture.request, operation: DumpFixture.operation, attempts: 5,
                                      reset: { resets += 1; collected = [] }) { message in
            collected.append(try DumpFixture.name(of: message) ?? "?")
        }
        #expect(collected == Self.names)
        #expect(resets == 3)
        let requests = transport.sentRequests
        #expect(requests.count == 3)
        #expect(Set(requests.map(\.header.sequence)).count == 3)
        #expect(requests.allSatisfy { $0.header.type == DumpFixture.getLink && $0.header.flags.contains(.dump) })
    }

    @Test("consistentDump gives up with a typed error after N interrupted attempts")
    func givesUp() throws {
        for attempts in [1, 3, 4] {
            let transport = Self.transport(brokenAttempts: .max, breakage: Self.interrupted)
            var resets = 0
            let error = try #require(throws: NetlinkError.self) {
                try NetlinkConnection(transport: transport).consistentDump(
                    DumpFixture.request, operation: DumpFixture.operation, attempts: attempts,
                    reset: { resets += 1 }) { _ in }
            }
            #expect(error.errno == .resourceTemporarilyUnavailable)
            #expect(error.operation == DumpFixture.operation)
            #expect(error.description.contains("\(attempts)"))
            #expect(error.description.contains("NLM_F_DUMP_INTR"))
            #expect(transport.sentRequests.count == attempts)
            #expect(resets == attempts)
        }
    }

    @Test("ENOBUFS makes dump() return .messagesLost, delivers nothing after the loss and drains to DONE")
    func overrunDrains() throws {
        let transport = Self.transport(brokenAttempts: 1, breakage: Self.overrun)
        let connection = NetlinkConnection(transport: transport)
        let result = try DumpFixture.collect(connection)
        #expect(result.inconsistency == .messagesLost)
        #expect(result.names == Array(Self.names[0..<2]))
        #expect(transport.pendingReplies.isEmpty)
        #expect(transport.receiveBufferGrowths == 1)
        // The socket is clean: the next dump on it sees only its own replies.
        #expect(try DumpFixture.collect(connection).names == Self.names)
    }

    @Test("consistentDump replays after ENOBUFS and gives up when every attempt overruns")
    func replayAfterOverrun() throws {
        let transport = Self.transport(brokenAttempts: 1, breakage: Self.overrun)
        var collected: [String] = []
        try NetlinkConnection(transport: transport).consistentDump(
            DumpFixture.request, operation: DumpFixture.operation, reset: { collected = [] }) { message in
            collected.append(try DumpFixture.name(of: message) ?? "?")
        }
        #expect(collected == Self.names)
        #expect(transport.sentRequests.count == 2)

        let always = Self.transport(brokenAttempts: .max, breakage: Self.overrun)
        let error = try #require(throws: NetlinkError.self) {
            try NetlinkConnection(transport: always).consistentDump(
                DumpFixture.request, operation: DumpFixture.operation, attempts: 2, reset: {}) { _ in }
        }
        #expect(error.errno == .resourceTemporarilyUnavailable)
        #expect(error.description.contains("ENOBUFS"))
        #expect(always.sentRequests.count == 2)
    }

    @Test("a hard error during consistentDump is not retried")
    func hardErrorNotRetried() throws {
        let transport = ScriptedNetlinkTransport { request in
            [.messages([request.replies.error(.notPermitted, for: request.datagram)])]
        }
        let error = try #require(throws: NetlinkError.self) {
            try NetlinkConnection(transport: transport).consistentDump(
                DumpFixture.request, operation: DumpFixture.operation, reset: {}) { _ in }
        }
        #expect(error.errno == .notPermitted)
        #expect(transport.sentRequests.count == 1)
    }
}
