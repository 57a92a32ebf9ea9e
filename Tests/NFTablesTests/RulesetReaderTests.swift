import Netlink
import NetlinkTesting
import NFTables
import SystemPackage
import Testing

/// A scripted nf_tables kernel: one table `ip t` with chains `a` and `b`, a rule in each, no sets or objects;
/// the generation and dump interruptions are under the test's control.
final class FakeNFTablesKernel: @unchecked Sendable {
    var generations: [UInt32]
    var interruptRuleDumps: Int
    private(set) var requests: [NetlinkMessage] = []

    init(generations: [UInt32], interruptRuleDumps: Int = 0) {
        self.generations = generations
        self.interruptRuleDumps = interruptRuleDumps
    }

    lazy var transport = ScriptedNetlinkTransport { [unowned self] request in self.answer(request) }

    func answer(_ request: ScriptedRequest) -> [ScriptedReply] {
        requests.append(request.message)
        let replies = request.replies
        guard let message = NFTMessage(netlinkType: request.message.header.type) else { return [] }
        switch message {
        case .getGeneration:
            let id = generations.count > 1 ? generations.removeFirst() : generations[0]
            var gen = MessageBuilder(family: .unspecified)
            gen.u32(1, id)
            return [.messages([replies.message(type: NFTMessage.newGeneration.netlinkType, flags: [], payload: gen.payload),
                               replies.ack(for: request.datagram)])]
        case .getTable:
            var table = MessageBuilder(family: .ip)
            table.string(1, "t")
            table.u64(4, 1)
            return replies.dump(type: NFTMessage.newTable.netlinkType, payloads: [table.payload])
        case .getChain:
            let chains = ["a", "b"].map { name -> [UInt8] in
                var chain = MessageBuilder(family: .ip)
                chain.string(1, "t")
                chain.string(3, name)
                chain.u64(2, name == "a" ? 1 : 2)
                return chain.payload
            }
            return replies.dump(type: NFTMessage.newChain.netlinkType, payloads: chains)
        case .getRule:
            let attributes = (try? request.message.attributes(afterFamilyHeader: 4, path: "req").table()) ?? [:]
            let chain = attributes[2]?.string ?? "?"
            var rule = MessageBuilder(family: .ip)
            rule.string(1, "t")
            rule.string(2, chain)
            rule.u64(3, chain == "a" ? 10 : 20)
            rule.nest(4) { list in list.expression("counter") { c in c.u64(1, 0); c.u64(2, 0) } }
            let interrupt = interruptRuleDumps > 0
            if interrupt { interruptRuleDumps -= 1 }
            return replies.dump(type: NFTMessage.newRule.netlinkType, payloads: [rule.payload], interruptedAt: interrupt ? 0 : nil)
        default:
            return replies.dump(type: 0, payloads: [])
        }
    }

    /// The rule dump requests sent: (family, table, chain).
    var ruleRequests: [(UInt8, String?, String?)] {
        requests.filter { NFTMessage(netlinkType: $0.header.type) == .getRule }.map { message in
            let attributes = (try? message.attributes(afterFamilyHeader: 4, path: "req").table()) ?? [:]
            return (message.payload.first ?? 0, attributes[1]?.string, attributes[2]?.string)
        }
    }
}

@Suite("Consistent ruleset reads over a scripted kernel")
struct RulesetReaderTests {
    static func events(_ kernel: FakeNFTablesKernel, maxAttempts: Int = 5,
                       filter: RulesetFilter = RulesetFilter()) throws -> [String] {
        let reader = RulesetReader(connection: NetlinkConnection(transport: kernel.transport), maxAttempts: maxAttempts)
        var events: [String] = []
        try reader.stream(filter) { event in
            switch event {
            case .structure(let structure): events.append("structure gen \(structure.generation) chains \(structure.chains.map(\.name))")
            case .rules(let chain, let rules): events.append("rules \(chain.name) \(rules.map(\.handle))")
            case .restart(let attempt): events.append("restart \(attempt)")
            }
        }
        return events
    }

    @Test("a stable generation reads once: structure, then rules chain by chain")
    func stable() throws {
        let kernel = FakeNFTablesKernel(generations: [7])
        #expect(try Self.events(kernel) == ["structure gen 7 chains [\"a\", \"b\"]", "rules a [10]", "rules b [20]"])
        // One rule dump per chain, each naming its table and chain, never one dump across chains.
        #expect(kernel.ruleRequests.map { "\($0.0) \($0.1 ?? "-") \($0.2 ?? "-")" } == ["2 t a", "2 t b"])
    }

    @Test("a generation that moves during the read replays the whole snapshot")
    func generationChange() throws {
        let kernel = FakeNFTablesKernel(generations: [7, 8, 8, 8])
        let events = try Self.events(kernel)
        #expect(events == ["structure gen 7 chains [\"a\", \"b\"]", "rules a [10]", "rules b [20]", "restart 2",
                           "structure gen 8 chains [\"a\", \"b\"]", "rules a [10]", "rules b [20]"])
    }

    @Test("NLM_F_DUMP_INTR on a rule dump replays the whole snapshot")
    func interruptedDump() throws {
        let kernel = FakeNFTablesKernel(generations: [7], interruptRuleDumps: 1)
        let events = try Self.events(kernel)
        #expect(events.first == "structure gen 7 chains [\"a\", \"b\"]")
        #expect(events.contains("restart 2"))
        #expect(events.suffix(2) == ["rules a [10]", "rules b [20]"])
    }

    @Test("a ruleset that never holds still fails after the attempt bound with EAGAIN")
    func boundedAttempts() {
        let kernel = FakeNFTablesKernel(generations: Array(1...100).map(UInt32.init))
        do {
            _ = try Self.events(kernel, maxAttempts: 3)
            Issue.record("expected the read to give up")
        } catch let error as NetlinkError {
            #expect(error.errno == .resourceTemporarilyUnavailable)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("a chain filter dumps only that chain's rules, naming table and chain in the request")
    func chainFilter() throws {
        let kernel = FakeNFTablesKernel(generations: [3])
        let events = try Self.events(kernel, filter: RulesetFilter(family: .ip, table: "t", chain: "b"))
        #expect(events == ["structure gen 3 chains [\"b\"]", "rules b [20]"])
        #expect(kernel.ruleRequests.count == 1)
        // The chain and set dumps carried the table name (NFTA_*_TABLE) and the table's family.
        let chainRequests = kernel.requests.filter { NFTMessage(netlinkType: $0.header.type) == .getChain }
        #expect(chainRequests.allSatisfy { (try? $0.attributes(afterFamilyHeader: 4, path: "r").table()[1]?.string) == "t" })
        #expect(chainRequests.allSatisfy { $0.payload.first == NFTFamily.ip.rawValue })
    }
}
