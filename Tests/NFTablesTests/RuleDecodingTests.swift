import Netlink
import NFTables
import Testing

/// Rules recorded from the kernel decode into the expressions `nft --debug=netlink` shows for them.
@Suite("Rule decoding from golden kernel messages")
struct RuleDecodingTests {
    /// `nft --debug=netlink list table ip kp` for the ruleset in kube-proxy-rules.hex (nftables 1.0.6).
    static let expected: [[String]] = [
        ["[ payload load 4b @ network header + 16 => reg 1 ]", "[ cmp eq reg 1 0x0a00600a ]",
         "[ meta load l4proto => reg 1 ]", "[ cmp eq reg 1 0x00000006 ]",
         "[ payload load 2b @ transport header + 2 => reg 1 ]", "[ cmp eq reg 1 0x00003500 ]",
         "[ payload load 1b @ network header + 12 => reg 1 ]", "[ cmp neq reg 1 0x0000000a ]",
         "[ meta load mark => reg 1 ]", "[ bitwise reg 1 = ( reg 1 & 0xffffbfff ) ^ 0x00004000 ]",
         "[ meta set mark with reg 1 ]", "[ counter pkts 0 bytes 0 ]"],
        ["[ payload load 4b @ network header + 16 => reg 1 ]", "[ meta load l4proto => reg 9 ]",
         "[ payload load 2b @ transport header + 2 => reg 10 ]", "[ lookup reg 1 set svc dreg 0 0x0 ]"],
        ["[ numgen reg 1 = random mod 2 ]", "[ lookup reg 1 set __map0 dreg 0 0x0 ]"],
        ["[ fib daddr type => reg 1 ]", "[ cmp eq reg 1 0x00000002 ]", "[ ct load state => reg 1 ]",
         "[ bitwise reg 1 = ( reg 1 & 0x00000006 ) ^ 0x00000000 ]", "[ cmp neq reg 1 0x00000000 ]",
         "[ immediate reg 0 accept ]"],
        ["[ meta load l4proto => reg 1 ]", "[ cmp eq reg 1 0x00000006 ]", "[ immediate reg 1 0x0100b40a ]",
         "[ immediate reg 2 0x00005000 ]",
         "[ nat dnat ip addr_min reg 1 addr_max reg 1 proto_min reg 2 proto_max reg 2 flags 0x3 ]"],
        ["[ meta load iifname => reg 1 ]", "[ cmp eq reg 1 0x00687465 ]", "[ meta load l4proto => reg 1 ]",
         "[ cmp eq reg 1 0x00000011 ]", "[ payload load 2b @ transport header + 0 => reg 1 ]",
         "[ cmp gte reg 1 0x0000e803 ]", "[ cmp lte reg 1 0x0000d007 ]", "[ log prefix x level 4 ]",
         "[ limit rate 10/second burst 5 type packets flags 0x0 ]", "[ reject type 0 code 3 ]"],
        ["[ meta load l4proto => reg 1 ]", "[ cmp eq reg 1 0x00000006 ]",
         "[ payload load 2b @ transport header + 2 => reg 1 ]", "[ cmp eq reg 1 0x00001600 ]",
         "[ quota bytes 1048576 consumed 0 flags 1 ]", "[ reject type 1 code 0 ]"],
    ]

    @Test("kube-proxy-style nft rules decode as nft --debug=netlink prints them")
    func nftRules() throws {
        let payloads = try GoldenFixtures.payloads("kube-proxy-rules.hex")
        let rules = try payloads.map { try Rule(message: GoldenFixtures.message(.newRule, payload: $0)) }
        #expect(rules.count == Self.expected.count)
        for (rule, expected) in zip(rules, Self.expected) {
            #expect(rule.expressions.map(\.description) == expected)
            #expect(rule.family == .ip && rule.table == "kp" && rule.chain == "r")
        }
        // Handles count up and each rule names the one before it.
        #expect(rules.dropFirst().allSatisfy { $0.position != nil })
    }

    @Test("iptables-nft compat matches and targets keep name, revision and info bytes")
    func compatRules() throws {
        let rules = try GoldenFixtures.payloads("iptables-compat-rules.hex").map {
            try Rule(message: GoldenFixtures.message(.newRule, payload: $0))
        }
        let dnat = try #require(rules.first { $0.chain == "KUBE-SVC" })
        let compat = dnat.expressions.compactMap { expression -> CompatExtension? in
            switch expression {
            case .match(let ext), .target(let ext): return ext
            default: return nil
            }
        }
        #expect(compat.map(\.name) == ["comment", "DNAT"])
        #expect(compat.map(\.revision) == [0, 2])
        #expect(compat[0].info.count == 256)
        #expect(String(decoding: compat[0].info.prefix { $0 != 0 }, as: UTF8.self) == "ns/svc")
        let statistic = try #require(rules.last)
        #expect(statistic.expressions.contains { if case .match(let ext) = $0 { ext.name == "statistic" } else { false } })
    }
}
