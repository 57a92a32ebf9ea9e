import NetCore
import NFTables
import Route
import Testing
@testable import Simulator

/// Conntrack first through the seam: a fake table with one stale entry and many others.
@Suite("live conntrack entries through a fake FlowLookup")
struct FlowLookupTests {
    typealias B = Build

    /// The server's table: client:40000 → 10.0.0.2:8000 was DNATed to port 81 (the rule now says 80), plus
    /// `others` entries from other source ports, and one entry that only a reply tuple would find.
    struct FakeTable: FlowLookup {
        var others = 25

        static let stale = ExistingFlow(
            original: FlowTuple(source: B.ip("10.0.0.1"), destination: B.ip("10.0.0.2"), sourcePort: 40_000,
                                destinationPort: 8000, proto: .udp),
            reply: FlowTuple(source: B.ip("10.0.0.2"), destination: B.ip("10.0.0.1"), sourcePort: 81,
                             destinationPort: 40_000, proto: .udp),
            status: 0x2 | 0x8 | 0x20, id: 7)

        func existingFlow(namespace: String, tuple: FlowTuple) -> ExistingFlow? {
            guard namespace == "server" else { return nil }
            if tuple == Self.stale.original { return Self.stale }
            if tuple.sourcePort == 40_001 {
                // What a kernel get returns for a reply-direction tuple: not an entry for this tuple.
                return ExistingFlow(original: tuple.inverted, reply: tuple, status: 0x2, id: 9)
            }
            return nil
        }

        func otherFlows(namespace: String, to tuple: FlowTuple) -> [ExistingFlow] {
            guard namespace == "server" else { return [] }
            var list = [Self.stale]
            for port in 0..<UInt16(others) {
                var flow = Self.stale
                flow.original.sourcePort = 50_000 + port
                flow.reply.destinationPort = 50_000 + port
                flow.id = 100 + UInt32(port)
                list.append(flow)
            }
            return list
        }
    }

    func network() -> NetworkModel {
        let pre = B.base("pre", hook: .prerouting, priority: -100, type: "nat")
        let udpDport: [Expression] = [
            .meta(Expression.Meta(key: .l4proto, operation: .load(destination: B.r1))),
            .cmp(Expression.Cmp(source: B.r1, op: .eq, data: [17])), B.loadDport(),
            .cmp(Expression.Cmp(source: B.r1, op: .eq, data: B.be16(8000)))]
        let rules = [B.rule("pre", 1, udpDport + B.dnat("10.0.0.2", 80))]
        let listeners = [80, 81].map { Listener(proto: .udp, address: .unspecified(.ipv4), port: UInt16($0)) }
        return B.pair(server: B.namespace("server", address: "10.0.0.2/24", rules: rules, chains: [pre], listeners: listeners))
    }

    func trace(sourcePort: UInt16?, table: FakeTable = FakeTable()) throws -> TraceResult {
        try PathSimulator(network: network(), flowLookup: table)
            .trace(TraceRequest(namespace: "client", proto: .udp, sourcePort: sourcePort,
                                destination: B.ip("10.0.0.2"), destinationPort: 8000))
    }

    @Test("the exact tuple's entry decides the destination instead of the dnat rule, and the trace says so")
    func entryForExactTuple() throws {
        let result = try trace(sourcePort: 40_000)
        #expect(result.outcome.kind == .ok)
        #expect(result.outcome.deliveredTo?.port == 81, "the stale mapping, not the rule's port 80")
        let step = result.trace.steps.first { $0.hook == "conntrack" }
        #expect(step?.namespace == "server")
        #expect(step?.effect == "conntrack entry id 7 (UDP, DNAT 10.0.0.2:8000 → 10.0.0.2:81, seen reply) decides the destination; nat rules are not consulted")
        #expect(!result.trace.steps.contains { $0.rule?.chain == "pre" }, "\(result.trace.steps.map(\.effect))")
        #expect(result.outcome.reason.contains("conntrack entry id 7"))
        #expect(result.conntrack.used == [ConntrackFindings.Entry(namespace: "server", flow: FakeTable.stale)])
        #expect(result.conntrack.others.isEmpty)
    }

    @Test("a new flow follows the rule; other source ports' entries are warnings, capped with a count")
    func newFlowListsOthers() throws {
        let result = try trace(sourcePort: nil)
        #expect(result.outcome.deliveredTo?.port == 80)
        #expect(result.conntrack.used.isEmpty)
        #expect(result.conntrack.others.count == 20)
        #expect(result.conntrack.others.first?.flow == FakeTable.stale)
        #expect(result.conntrack.othersNotShown == ["server": 6])
        #expect(result.warnings.contains { $0.hasPrefix("server: conntrack entry id 7 (UDP, DNAT") && $0.contains("new flow from port 49152") })
        #expect(result.warnings.contains("server: 6 more conntrack entries to the same destination not listed"))
        #expect(!result.warnings.contains { $0.contains("not wired") })
    }

    @Test("an entry found only by its reply tuple is not applied to the original direction")
    func replyTupleIgnored() throws {
        let result = try trace(sourcePort: 40_001, table: FakeTable(others: 0))
        #expect(result.outcome.deliveredTo?.port == 80)
        #expect(result.conntrack.used.isEmpty)
        #expect(result.conntrack.othersNotShown.isEmpty)
    }
}

/// A TCP entry in TIME_WAIT: a new SYN from the same port reopens the connection, the rules decide.
@Suite("a closing TCP entry through a fake FlowLookup")
struct ClosingEntryTests {
    typealias B = Build

    struct ClosingTable: FlowLookup {
        var state: String
        func existingFlow(namespace: String, tuple: FlowTuple) -> ExistingFlow? {
            guard namespace == "server", tuple.sourcePort == 40_000 else { return nil }
            var reply = tuple.inverted
            reply.sourcePort = 81
            return ExistingFlow(original: tuple, reply: reply, status: 0x2 | 0x4 | 0x8 | 0x20, id: 3, protocolState: state)
        }
    }

    func trace(_ state: String) throws -> TraceResult {
        let pre = B.base("pre", hook: .prerouting, priority: -100, type: "nat")
        let rules = [B.rule("pre", 1, B.tcpDport(8000) + B.dnat("10.0.0.2", 80))]
        let network = B.pair(server: B.namespace("server", address: "10.0.0.2/24", rules: rules, chains: [pre],
                                                 listeners: B.listeners(80, 81)))
        return try PathSimulator(network: network, flowLookup: ClosingTable(state: state))
            .trace(TraceRequest(namespace: "client", proto: .tcp, sourcePort: 40_000, destination: B.ip("10.0.0.2"),
                                destinationPort: 8000))
    }

    @Test("TIME_WAIT and CLOSE entries are replaced by a new SYN; the dnat rule decides")
    func reopened() throws {
        for state in ["TIME_WAIT", "CLOSE"] {
            let result = try trace(state)
            #expect(result.outcome.deliveredTo?.port == 80, "\(state)")
            #expect(result.conntrack.used.isEmpty)
            #expect(result.warnings.contains { $0.contains("conntrack entry id 3") && $0.contains("reopens") }, "\(result.warnings)")
        }
    }
}
