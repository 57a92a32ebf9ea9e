@testable import Legacy
import NetCore
import Netlink
import NetlinkTesting
import Testing

/// The nf_tables census over a scripted transport: chain and rule dumps as the kernel would send them.
@Suite("nf_tables census")
struct NFTablesCensusTests {
    static let newChain: UInt16 = 10 << 8 | 3, newRule: UInt16 = 10 << 8 | 6

    static func chain(family: UInt8, table: String, name: String, hook: (UInt32, Int32)?) -> [UInt8] {
        NetlinkReplyBuilder.payload(familyHeader: [family, 0, 0, 0]) { request in
            request.append(1, string: table)
            request.append(3, string: name)
            if let (number, priority) = hook {
                request.beginNest(4)
                request.append(1, u32BigEndian: number)
                request.append(2, u32BigEndian: UInt32(bitPattern: priority))
                request.endNest()
            }
        }
    }

    static func rule(family: UInt8, table: String, chain: String) -> [UInt8] {
        NetlinkReplyBuilder.payload(familyHeader: [family, 0, 0, 0]) { request in
            request.append(1, string: table)
            request.append(2, string: chain)
        }
    }

    func census(chains: [[UInt8]], rules: [[UInt8]], interruptFirstRuleDump: Bool = false) throws -> (NFTablesCensus, Int) {
        var ruleDumps = 0
        let transport = ScriptedNetlinkTransport { request in
            let replies = request.replies
            if request.message.header.type == NFTablesCensus.getChain {
                return replies.dump(type: Self.newChain, payloads: chains)
            }
            ruleDumps += 1
            let interrupted = interruptFirstRuleDump && ruleDumps == 1 ? 0 : nil
            return replies.dump(type: Self.newRule, payloads: rules, interruptedAt: interrupted)
        }
        return (try NFTablesCensus.read(NetlinkConnection(transport: transport)), ruleDumps)
    }

    @Test("counts rules per chain and keeps hooks and negative priorities")
    func counts() throws {
        let (result, _) = try census(
            chains: [Self.chain(family: 2, table: "nat", name: "PREROUTING", hook: (0, -100)),
                     Self.chain(family: 2, table: "nat", name: "KUBE-SERVICES", hook: nil),
                     Self.chain(family: 1, table: "fw", name: "input", hook: (1, 0))],
            rules: [Self.rule(family: 2, table: "nat", chain: "PREROUTING"),
                    Self.rule(family: 2, table: "nat", chain: "KUBE-SERVICES"),
                    Self.rule(family: 2, table: "nat", chain: "KUBE-SERVICES"),
                    Self.rule(family: 10, table: "nat", chain: "KUBE-SERVICES")])
        #expect(result.chains.map(\.family) == ["ip", "ip", "inet"])
        #expect(result.chains[0].hook == 0 && result.chains[0].priority == -100)
        #expect(result.chains[1].hook == nil)
        #expect(result.chains.map(\.ruleCount) == [1, 2, 0])  // the ip6 rule belongs to no listed chain
    }

    @Test("an interrupted rule dump is replayed, not double counted")
    func replay() throws {
        let (result, dumps) = try census(
            chains: [Self.chain(family: 2, table: "filter", name: "INPUT", hook: (1, 0))],
            rules: [Self.rule(family: 2, table: "filter", chain: "INPUT")], interruptFirstRuleDump: true)
        #expect(dumps == 2)
        #expect(result.chains.first?.ruleCount == 1)
    }

    @Test("a malformed chain message is a decode error")
    func malformed() {
        var broken = Self.chain(family: 2, table: "nat", name: "X", hook: nil)
        broken[5] = 0xff  // the first attribute's length now runs past the message
        #expect(throws: (any Error).self) { try census(chains: [broken], rules: []) }
    }
}
