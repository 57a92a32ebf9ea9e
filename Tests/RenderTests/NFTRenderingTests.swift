import Foundation
import NFTables
import Render
import Testing

/// Kernel-recorded rules rendered in nft syntax, against what `nft list table` printed for them.
@Suite("nft rendering of recorded rules")
struct NFTRenderingTests {
    static let structure = RulesetStructure(
        tables: [Table(family: .ip, name: "kp")],
        chains: [Chain(family: .ip, table: "kp", name: "r")],
        sets: [
            NFTSet(family: .ip, table: "kp", name: "svc", flags: [.map, .concat], keyType: 7 << 12 | 12 << 6 | 13,
                   keyLength: 12, dataType: 0xffff_ff00, dataLength: 0),
            NFTSet(family: .ip, table: "kp", name: "__map0", flags: [.anonymous, .constant, .map], keyType: 4,
                   keyLength: 4, dataType: 0xffff_ff00, dataLength: 0,
                   elements: [SetElement(key: [0, 0, 0, 0], data: .verdict(Verdict(code: .goto, chain: "c"))),
                              SetElement(key: [1, 0, 0, 0], data: .verdict(Verdict(code: .jump, chain: "c")))]),
        ])

    /// `nft list table ip kp` (nftables 1.0.6) for the rules in kube-proxy-rules.hex.
    static let expected = [
        "ip daddr 10.96.0.10 tcp dport 53 ip saddr != 10.0.0.0/8 meta mark set meta mark | 0x00004000 counter packets 0 bytes 0",
        "ip daddr . meta l4proto . th dport vmap @svc",
        "numgen random mod 2 vmap { 0 : goto c, 1 : jump c }",
        "fib daddr type local ct state established,related accept",
        "meta l4proto tcp dnat to 10.180.0.1:80",
        "iifname \"eth*\" udp sport 1000-2000 log prefix \"x\" limit rate 10/second reject",
        "tcp dport 22 quota over 1 mbytes reject with tcp reset",
    ]

    @Test("each recorded rule renders as nft printed it")
    func recordedRules() throws {
        let renderer = NFTRenderer(structure: Self.structure, namespace: "lab")
        let rendered = try Golden.rules("kube-proxy-rules.hex").map(renderer.render)
        #expect(rendered.map(\.text) == Self.expected)
        #expect(rendered.allSatisfy { $0.namespace == "lab" && $0.table == "kp" && $0.chain == "r" && $0.handle > 0 })
    }

    @Test("the streaming writer frames tables and chains as nft list ruleset does")
    func writerFraming() throws {
        var text = ""
        let writer = NFTRulesetWriter(structure: Self.structure) { text += $0 }
        writer.write(chain: Self.structure.chains[0], rules: try Golden.rules("kube-proxy-rules.hex").prefix(1).map { $0 })
        writer.finish()
        #expect(text == """
            table ip kp {
            \tmap svc {
            \t\ttype ipv4_addr . inet_proto . inet_service : verdict
            \t}

            \tchain r {
            \t\t\(Self.expected[0])
            \t}
            }

            """)
    }

    @Test("priority names follow nft's standard priorities per family and hook")
    func priorities() {
        #expect(NFTRenderer.priorityName(-100, hook: .prerouting, family: .ip) == "dstnat")
        #expect(NFTRenderer.priorityName(-100, hook: .output, family: .ip) == "-100")
        #expect(NFTRenderer.priorityName(-110, hook: .prerouting, family: .ip) == "dstnat - 10")
        #expect(NFTRenderer.priorityName(110, hook: .postrouting, family: .inet) == "srcnat + 10")
        #expect(NFTRenderer.priorityName(-200, hook: .forward, family: .bridge) == "filter")
        #expect(NFTRenderer.priorityName(-300, hook: .input, family: .ip) == "raw")
        #expect(NFTRenderer.priorityName(1000, hook: .input, family: .ip) == "1000")
    }
}

extension NFTRenderingTests {
    @Test("a chain delivered in several batches renders as one chain")
    func batches() throws {
        let rules = try Golden.rules("kube-proxy-rules.hex")
        var whole = ""
        let one = NFTRulesetWriter(structure: Self.structure) { whole += $0 }
        one.write(chain: Self.structure.chains[0], rules: rules)
        one.finish()
        var split = ""
        let many = NFTRulesetWriter(structure: Self.structure) { split += $0 }
        many.write(chain: Self.structure.chains[0], rules: Array(rules.prefix(3)))
        many.write(chain: Self.structure.chains[0], rules: Array(rules.dropFirst(3)))
        many.finish()
        #expect(whole == split)
        #expect(whole.components(separatedBy: "chain r {").count == 2)
    }
}
