import NetCore
import Netlink
import NetlinkTesting
import SystemPackage
import Testing

@Suite("netlink dump loop")
struct DumpTests {
    @Test("a dump streams every part in order, across datagrams, and stops at DONE")
    func streamsInOrder() throws {
        let names = DumpFixture.names(7)
        let transport = ScriptedNetlinkTransport { request in
            let replies = request.replies
            // After the DONE: a part in the same datagram and a whole datagram that must stay unread.
            let tail = replies.part(type: DumpFixture.newLink, payload: DumpFixture.payload("after-done"))
            var script = replies.dump(type: DumpFixture.newLink, payloads: DumpFixture.payloads(names), perDatagram: 3,
                                      done: NetlinkReplyBuilder.pack([replies.done(), tail]))
            script.append(.messages([tail]))
            return script
        }
        let connection = NetlinkConnection(transport: transport)
        var seen: [String] = []
        var receivesAtFirstPart = 0
        let inconsistency = try connection.dump(DumpFixture.request, operation: DumpFixture.operation) { message in
            if seen.isEmpty { receivesAtFirstPart = transport.receiveCount }
            #expect(message.header.type == DumpFixture.newLink)
            seen.append(try DumpFixture.name(of: message) ?? "?")
        }
        #expect(inconsistency == nil)
        #expect(seen == names)
        // Streaming: the first part reached the body after one receive, not after the whole dump.
        #expect(receivesAtFirstPart == 1)
        #expect(transport.receiveCount == 3)
        #expect(transport.pendingReplies.count == 1)

        let sent = try #require(transport.sentRequests.first)
        #expect(transport.sentRequests.count == 1)
        #expect(sent.header.type == DumpFixture.getLink)
        #expect(sent.header.flags.isSuperset(of: [.request, .dump]))
        #expect(sent.header.sequence == 1)
        #expect(Int(sent.header.length) == transport.sentDatagrams[0].count)
    }

    @Test("an empty dump is just a DONE; a DONE without payload (old kernels) ends it too")
    func emptyDump() throws {
        for done in [{ (b: NetlinkReplyBuilder) in b.done() }, { b in b.done(status: nil) }] {
            let transport = ScriptedNetlinkTransport { request in [.messages([done(request.replies)])] }
            let result = try DumpFixture.collect(NetlinkConnection(transport: transport))
            #expect(result.names.isEmpty)
            #expect(result.inconsistency == nil)
        }
    }

    @Test("each conversation uses the next sequence number")
    func sequenceNumbers() throws {
        let transport = ScriptedNetlinkTransport { request in
            request.replies.dump(type: DumpFixture.newLink, payloads: DumpFixture.payloads(["a"]))
        }
        let connection = NetlinkConnection(transport: transport, firstSequence: 41)
        for _ in 0..<3 { _ = try DumpFixture.collect(connection) }
        #expect(transport.sentRequests.map(\.header.sequence) == [41, 42, 43])
    }

    @Test("DONE with a negative status throws NetlinkError with that errno, after the parts before it")
    func doneWithError() throws {
        for (errno, text) in [(Errno.notPermitted, nil), (.invalidArgument, "Invalid dump filter")] as [(Errno, String?)] {
            let transport = ScriptedNetlinkTransport { request in
                let done = request.replies.done(status: -errno.rawValue, extendedAckMessage: text)
                return request.replies.dump(type: DumpFixture.newLink, payloads: DumpFixture.payloads(["lo", "eth0"]),
                                            done: done)
            }
            let connection = NetlinkConnection(transport: transport)
            var names: [String] = []
            let error = try #require(throws: NetlinkError.self) {
                try connection.dump(DumpFixture.request, operation: DumpFixture.operation) {
                    names.append(try DumpFixture.name(of: $0) ?? "?")
                }
            }
            #expect(error.errno == errno)
            #expect(error.operation == DumpFixture.operation)
            #expect(error.kernelMessage == text)
            #expect(names == ["lo", "eth0"])
        }
    }

    @Test("an NLMSG_ERROR answering the dump throws, with the extended-ack text, capped or not")
    func errorWithExtendedAck() throws {
        for capped in [true, false] {
            let transport = ScriptedNetlinkTransport { request in
                [.messages([request.replies.error(.notSupported, for: request.datagram,
                                                  extendedAckMessage: "Dump not supported for this family",
                                                  offset: 16, capped: capped)])]
            }
            let connection = NetlinkConnection(transport: transport, namespace: NamespaceID(device: 4, inode: 4026531840, label: "nfs-a"))
            let error = try #require(throws: NetlinkError.self) { try DumpFixture.collect(connection) }
            #expect(error.errno == .notSupported)
            #expect(error.kernelMessage == "Dump not supported for this family")
            #expect(error.namespace?.label == "nfs-a")
            #expect(error.description.contains("dump links"))
            #expect(error.description.contains("EOPNOTSUPP"))
            #expect(error.description.contains("kernel: Dump not supported"))
        }
    }

    @Test("an NLMSG_ERROR without extended ack has no kernel message")
    func errorWithoutExtendedAck() throws {
        let transport = ScriptedNetlinkTransport { request in
            [.messages([request.replies.error(.notPermitted, for: request.datagram, capped: false)])]
        }
        let error = try #require(throws: NetlinkError.self) { try DumpFixture.collect(NetlinkConnection(transport: transport)) }
        #expect(error.errno == .notPermitted)
        #expect(error.kernelMessage == nil)
    }

    @Test("stale replies (old sequence numbers) and replies to other ports are skipped")
    func staleAndForeignReplies() throws {
        let names = DumpFixture.names(4)
        let transport = ScriptedNetlinkTransport { request in
            let replies = request.replies
            let stale = replies.stale()
            let foreign = replies.addressed(to: request.portID &+ 1)
            // Left over from an abandoned earlier dump, including its DONE and an error: none may end this one.
            var script: [ScriptedReply] = stale.dump(type: DumpFixture.newLink, payloads: DumpFixture.payloads(["stale0", "stale1"]))
            script.append(.messages([stale.error(.noSuchFileOrDirectory, for: request.datagram)]))
            script.append(.messages([foreign.part(type: DumpFixture.newLink, payload: DumpFixture.payload("foreign")),
                                     foreign.done(status: -1)]))
            // Stale and foreign messages interleaved with the real ones inside one datagram.
            script.append(.messages([replies.part(type: DumpFixture.newLink, payload: DumpFixture.payload(names[0])),
                                     stale.part(type: DumpFixture.newLink, payload: DumpFixture.payload("stale2")),
                                     replies.part(type: DumpFixture.newLink, payload: DumpFixture.payload(names[1])),
                                     foreign.done()]))
            script += replies.dump(type: DumpFixture.newLink, payloads: DumpFixture.payloads(Array(names[2...])))
            return script
        }
        let result = try DumpFixture.collect(NetlinkConnection(transport: transport))
        #expect(result.names == names)
        #expect(result.inconsistency == nil)
        #expect(transport.pendingReplies.isEmpty)
    }

    @Test("a reply datagram larger than the receive buffer fails with a typed error instead of trapping")
    func oversizedDatagram() throws {
        let big = [UInt8](repeating: 0, count: NetlinkConnection.receiveBufferBytes + 16)
        let transport = ScriptedNetlinkTransport(queue: [.datagram(big)])
        let error = try #require(throws: NetlinkError.self) { try DumpFixture.collect(NetlinkConnection(transport: transport)) }
        #expect(error.errno == .noSpace)
    }

    @Test("a receive error other than ENOBUFS ends the dump with NetlinkError")
    func receiveError() throws {
        let transport = ScriptedNetlinkTransport(queue: [.failure(.badFileDescriptor)])
        let error = try #require(throws: NetlinkError.self) { try DumpFixture.collect(NetlinkConnection(transport: transport)) }
        #expect(error.errno == .badFileDescriptor)
        #expect(error.operation == DumpFixture.operation)
    }

    @Test("an error thrown by the body stops delivery; the rest of the dump is drained, then the error is rethrown")
    func bodyError() throws {
        struct Stop: Error {}
        let transport = ScriptedNetlinkTransport { request in
            request.replies.dump(type: DumpFixture.newLink, payloads: DumpFixture.payloads(DumpFixture.names(7)),
                                 perDatagram: 2)
        }
        let connection = NetlinkConnection(transport: transport)
        var calls = 0
        #expect(throws: Stop.self) {
            try connection.dump(DumpFixture.request, operation: DumpFixture.operation) { _ in
                calls += 1
                if calls == 2 { throw Stop() }
            }
        }
        #expect(calls == 2)
        // Drained to DONE (the kernel would refuse the next dump with EBUSY otherwise).
        #expect(transport.pendingReplies.isEmpty)
        #expect(try DumpFixture.collect(connection).names == DumpFixture.names(7))
    }

    @Test("the body's error wins over a failure while draining")
    func bodyErrorWinsOverDrainFailure() throws {
        struct Stop: Error {}
        let transport = ScriptedNetlinkTransport { request in
            // No DONE: draining runs out of replies and fails with EAGAIN.
            [.messages(DumpFixture.payloads(["a", "b"]).map { request.replies.part(type: DumpFixture.newLink, payload: $0) })]
        }
        #expect(throws: Stop.self) {
            try NetlinkConnection(transport: transport).dump(DumpFixture.request, operation: DumpFixture.operation) { _ in
                throw Stop()
            }
        }
    }
}
