import NetlinkTesting
import NFTables
import Render
import Testing

/// Arbitrary expression sequences (registers never loaded, shapes nobody writes) go through both renderers
/// without trapping; what has no form becomes a note or `.unrepresentable`.
@Suite("Renderers on arbitrary expression sequences")
struct RenderRobustnessTests {
    static func pool() throws -> [Expression] {
        let recorded = try Golden.rules("kube-proxy-rules.hex") + Golden.rules("iptables-compat-rules.hex")
        return recorded.flatMap(\.expressions) + [
            .unknown(name: "future", raw: [1, 2, 3]), .notrack,
            .queue(Expression.Queue(number: 1)),
            .match(CompatExtension(name: "comment", revision: 0, info: [1, 2])),  // too short: a DecodeError inside
            .target(CompatExtension(name: "DNAT", revision: 9, info: [])),
        ]
    }

    @Test("5,000 random sequences render in nft and iptables syntax without trapping", arguments: [UInt64(7), 8])
    func randomSequences(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        let pool = try Self.pool()
        let structure = RulesetStructure(tables: [Table(family: .ip, name: "filter")])
        let nft = NFTRenderer(structure: structure)
        let iptables = IptablesSaveWriter(structure: structure, family: .ip) { _ in }
        var notes = 0
        for _ in 0..<2_500 {
            let expressions = (0..<Int.random(in: 0...8, using: &generator)).map { _ in pool.randomElement(using: &generator)! }
            for family in [NFTFamily.ip, .ip6, .inet] {
                let rule = Rule(family: family, table: "filter", chain: "INPUT", handle: 1, expressions: expressions)
                _ = nft.render(rule)
                if iptables.render(rule).note != nil { notes += 1 }
            }
        }
        #expect(notes > 0)
    }
}
