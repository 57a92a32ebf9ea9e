import Conntrack
import NetCore
import Netlink
import SystemPackage
import Testing

@Suite("the reader against a scripted kernel")
struct FakeKernelTests {
    static let table = [Golden.icmpEcho, Golden.genericProto99, Golden.icmpv6Echo, Golden.tcpMarkedReplyTuple,
                        Golden.udpZone5, Golden.greKeys, Golden.tcpIPv6SynSent, Golden.udplite, Golden.tcpDNAT,
                        Golden.dccpOpenHandBuilt]

    /// A kernel that answers every dump with the whole table, whatever filter it was sent.
    static func ignoringKernel() -> ScriptedTransport {
        ScriptedTransport { _, sequence, portID in
            table.map { .datagram(restamped($0, sequence: sequence, portID: portID, flags: 0x22 /* MULTI|DUMP_FILTERED */)) }
                + [.datagram(controlMessage(type: NetlinkControlType.done, sequence: sequence, portID: portID, code: 0))]
        }
    }

    @Test("a kernel that ignores the filter: the Swift-side filter still applies")
    func kernelIgnoresFilter() throws {
        let transport = Self.ignoringKernel()
        let reader = ConntrackReader(connection: NetlinkConnection(transport: transport))
        let filter = ConntrackFilter(family: .ipv4, l4Protocol: .tcp, original: TupleFilter(destinationPorts: 80...80))
        var flows: [Flow] = []
        let summary = try reader.flows(matching: filter) { flows.append($0) }
        #expect(summary.received == Self.table.count)
        #expect(summary.matched == 2)
        #expect(flows.map(\.original.destinationPort) == [80, 80])
        #expect(flows.allSatisfy { $0.l4Protocol == .tcp })
        // The filter did go to the kernel: CTA_FILTER (25) with a TCP proto flag and dport flag.
        let request = try NetlinkMessageSequence(transport.requests[0][...]).validated()[0]
        let attributes = try request.attributes(afterFamilyHeader: 4, path: "request").table()
        let flags = try #require(attributes[25]).nested.table()
        #expect(try flags[1]?.u32() == (1 << 3) | (1 << 5))
        #expect(attributes[1] != nil)
    }

    @Test("each filter kind applied in Swift against an ignoring kernel")
    func everyFilterKind() throws {
        let reader = ConntrackReader(connection: NetlinkConnection(transport: Self.ignoringKernel()))
        func count(_ filter: ConntrackFilter) throws -> Int {
            var total = 0
            try reader.flows(matching: filter) { _ in total += 1 }
            return total
        }
        #expect(try count(ConntrackFilter()) == 10)
        #expect(try count(ConntrackFilter(family: .ipv6)) == 2)
        #expect(try count(ConntrackFilter(original: TupleFilter(source: IPPrefix("10.0.0.9/32")))) == 1)
        #expect(try count(ConntrackFilter(original: TupleFilter(destination: IPPrefix("10.0.0.0/24")))) == 5)
        #expect(try count(ConntrackFilter(reply: TupleFilter(source: IPPrefix("10.42.0.152")))) == 2)
        #expect(try count(ConntrackFilter(original: TupleFilter(sourcePorts: 5000...6000))) == 2)
        #expect(try count(ConntrackFilter(states: ["established"])) == 2)
        #expect(try count(ConntrackFilter(states: ["OPEN"])) == 1)
        #expect(try count(ConntrackFilter(statusSet: .assured)) == 3)
        #expect(try count(ConntrackFilter(statusClear: .seenReply)) == 7)
        #expect(try count(ConntrackFilter(mark: MarkFilter(value: 7))) == 1)
        #expect(try count(ConntrackFilter(mark: MarkFilter(value: 0xbe00, mask: 0xff00))) == 1)
        #expect(try count(ConntrackFilter(zone: 5)) == 1)
        #expect(try count(ConntrackFilter(zone: 9)) == 1)
        #expect(try count(ConntrackFilter(zone: 0)) == 8)
        #expect(try count(ConntrackFilter(nat: .dnat)) == 1)
        #expect(try count(ConntrackFilter(nat: .snat)) == 0)
        #expect(try count(ConntrackFilter(nat: .any)) == 1)
        #expect(try count(ConntrackFilter(nat: .neither)) == 9)
    }

    @Test("a kernel that refuses the filter: the dump is repeated unfiltered and filtered in Swift")
    func kernelRefusesFilter() throws {
        var calls = 0
        let transport = ScriptedTransport { _, sequence, portID in
            calls += 1
            if calls == 1 { return [.datagram(controlMessage(type: NetlinkControlType.error, sequence: sequence, portID: portID, code: -22))] }
            return Self.table.map { .datagram(restamped($0, sequence: sequence, portID: portID)) }
                + [.datagram(controlMessage(type: NetlinkControlType.done, sequence: sequence, portID: portID, code: 0))]
        }
        let reader = ConntrackReader(connection: NetlinkConnection(transport: transport))
        var flows: [Flow] = []
        let summary = try reader.flows(matching: ConntrackFilter(mark: MarkFilter(value: 7))) { flows.append($0) }
        #expect(summary.kernelFilter == .refused(.invalidArgument))
        #expect(flows.count == 1 && flows[0].mark == 7)
        #expect(transport.requests.count == 2)
        let second = try NetlinkMessageSequence(transport.requests[1][...]).validated()[0]
        #expect(try second.attributes(afterFamilyHeader: 4, path: "request").all().isEmpty)
    }

    @Test("a permission error is not mistaken for a refused filter")
    func permissionError() throws {
        let transport = ScriptedTransport { _, sequence, portID in
            [.datagram(controlMessage(type: NetlinkControlType.error, sequence: sequence, portID: portID, code: -1))]
        }
        let reader = ConntrackReader(connection: NetlinkConnection(transport: transport))
        #expect { try reader.flows { _ in } } throws: { ($0 as? NetlinkError)?.errno == .notPermitted }
    }

    @Test("an event-buffer overrun is delivered as .lost between the events around it")
    func eventOverrun() throws {
        let transport = ScriptedTransport { _, _, _ in [] }
        var destroy = restamped(Golden.tcpDNAT, sequence: 0, portID: 0, flags: 0)
        destroy[4] = 2   // IPCTNL_MSG_CT_DELETE
        transport.enqueue([.datagram(restamped(Golden.tcpDNAT, sequence: 0, portID: 0, flags: 0x600 /* CREATE|EXCL */)),
                           .failure(.noBufferSpace),
                           .datagram(restamped(Golden.udpZone5, sequence: 0, portID: 0, flags: 0)),
                           .datagram(destroy)])
        let watcher = ConntrackWatcher(connection: NetlinkConnection(transport: transport))
        var names: [String] = []
        var idle = 0
        try watcher.watch(stop: { idle += 1; return idle > 10 }) { event in
            names.append(event.name)
            return true
        }
        #expect(names == ["new", "lost", "update", "destroy"])
    }

    @Test("a dump that overruns the socket buffer is reported as incomplete, not passed off as whole")
    func dumpOverrun() throws {
        let transport = ScriptedTransport { _, sequence, portID in
            [.datagram(restamped(Golden.tcpDNAT, sequence: sequence, portID: portID)), .failure(.noBufferSpace),
             .datagram(restamped(Golden.udpZone5, sequence: sequence, portID: portID)),
             .datagram(controlMessage(type: NetlinkControlType.done, sequence: sequence, portID: portID, code: 0))]
        }
        let reader = ConntrackReader(connection: NetlinkConnection(transport: transport))
        var count = 0
        let summary = try reader.flows { _ in count += 1 }
        #expect(summary.inconsistency == .messagesLost)
        #expect(count == 1)
    }

    @Test("watch filters events in Swift")
    func watchFilter() throws {
        let transport = ScriptedTransport { _, _, _ in [] }
        transport.enqueue(Self.table.map { .datagram(restamped($0, sequence: 0, portID: 0, flags: 0x600)) })
        let watcher = ConntrackWatcher(connection: NetlinkConnection(transport: transport))
        var flows: [Flow] = []
        var quiet = 0
        try watcher.watch(matching: ConntrackFilter(family: .ipv6), stop: { quiet += 1; return quiet > 20 }) { event in
            flows.append(event.flow!)
            return true
        }
        #expect(flows.map(\.original.source) == [IPAddress("fd00::1")!, IPAddress("fd00::1")!])
    }
}
