import NetCore
import NFTables
import Render
import Testing

/// Expressions as iptables-nft 1.8.9 writes them, read back as iptables arguments.
@Suite("iptables decoding")
struct IptablesDecodingTests {
    static func payload(_ base: PayloadBase, _ offset: UInt32, _ length: UInt32) -> Expression {
        .payload(Expression.Payload(operation: .load(destination: Register(rawValue: 1)), base: base, offset: offset, length: length))
    }
    static func meta(_ key: MetaKey) -> Expression {
        .meta(Expression.Meta(key: key, operation: .load(destination: Register(rawValue: 1))))
    }
    static func cmp(_ op: CmpOp, _ data: [UInt8]) -> Expression {
        .cmp(Expression.Cmp(source: Register(rawValue: 1), op: op, data: data))
    }
    static func verdict(_ code: Verdict.Code, _ chain: String? = nil) -> Expression {
        .immediate(Expression.Immediate(destination: .verdict, data: .verdict(Verdict(code: code, chain: chain))))
    }
    static func rule(_ expressions: [Expression], chain: String = "INPUT", family: NFTFamily = .ip) -> Rule {
        Rule(family: family, table: "filter", chain: chain, handle: 9, expressions: expressions)
    }

    static func decode(_ expressions: [Expression], family: NFTFamily = .ip) -> String? {
        if case .rule(let rule) = IptablesDecoder(family: family).decode(Self.rule(expressions, family: family)) { return rule.text }
        return nil
    }

    @Test("prefixes from shortened loads, interfaces with +, protocol, combined ports, inversions")
    func nativeMatches() {
        let text = Self.decode([
            Self.meta(.iifname), Self.cmp(.neq, Array("eth".utf8)),
            Self.meta(.l4proto), Self.cmp(.eq, [6]),
            Self.payload(.network, 12, 1), Self.cmp(.eq, [10]),
            Self.payload(.network, 16, 4), Self.cmp(.eq, [192, 168, 1, 1]),
            Self.payload(.transport, 0, 4), Self.cmp(.eq, [0, 1, 0, 2]),
            .counter(Expression.Counter()),
            Self.verdict(.goto, "KUBE-SEP"),
        ])
        #expect(text == "-s 10.0.0.0/8 -d 192.168.1.1/32 ! -i eth+ -p tcp -m tcp --sport 1 --dport 2 -g KUBE-SEP")
    }

    @Test("IPv6 addresses and masks through bitwise")
    func ipv6() {
        let mask: [UInt8] = [0xff, 0xc0] + [UInt8](repeating: 0, count: 14)
        let text = Self.decode([
            Self.payload(.network, 8, 16),
            .bitwise(Expression.Bitwise(source: Register(rawValue: 1), destination: Register(rawValue: 1), length: 16,
                                        operation: .maskXor(mask: mask, xor: [UInt8](repeating: 0, count: 16)))),
            Self.cmp(.neq, [0xfe, 0x80] + [UInt8](repeating: 0, count: 14)),
            Self.verdict(.drop),
        ], family: .ip6)
        #expect(text == "! -s fe80::/10 -j DROP")
    }

    @Test("a rule without an iptables form is unrepresentable and rendered as an nft note, never dropped")
    func unrepresentable() {
        let rule = Self.rule([Self.payload(.network, 16, 4),
                              .lookup(Expression.Lookup(set: "allowed", source: Register(rawValue: 1))),
                              Self.verdict(.accept)])
        guard case .unrepresentable(let reason, let index) = IptablesDecoder(family: .ip).decode(rule) else {
            Issue.record("a set lookup has no iptables form")
            return
        }
        #expect(reason == "set lookup @allowed" && index == 1)
        let writer = IptablesSaveWriter(structure: RulesetStructure(), family: .ip, namespace: "ns1") { _ in }
        let rendered = writer.render(rule)
        #expect(rendered.text == "# nfscope: -A INPUT has no iptables form (set lookup @allowed); nft: ip daddr @allowed accept")
        #expect(rendered.note != nil && rendered.handle == 9 && rendered.namespace == "ns1" && rendered.chain == "INPUT")
    }

    @Test("recorded iptables-nft rules with compat blobs render as iptables-nft-save printed them")
    func recordedCompatRules() throws {
        let writer = IptablesSaveWriter(structure: RulesetStructure(), family: .ip) { _ in }
        let texts = try Golden.rules("iptables-compat-rules.hex").map { writer.render($0).text }
        #expect(texts == [
            "-A KUBE-SVC -s 10.0.0.0/8 -p tcp -m comment --comment \"ns/svc\" -m tcp --dport 80 -j DNAT --to-destination 10.42.0.5:9090",
            "-A KUBE-SVC -m statistic --mode random --probability 0.50000000000 -j MARK --set-xmark 0x4000/0x4000",
        ])
    }

    @Test("iptables-save chain order: built-ins in hook order, then user chains by byte order")
    func chainOrder() {
        let names = ["zeta", "OUTPUT", "INPUT", "Alpha", "FORWARD", "beta"]
        let structure = RulesetStructure(tables: [Table(family: .ip, name: "filter")],
                                         chains: names.map { Chain(family: .ip, table: "filter", name: $0) })
        #expect(IptablesSaveWriter.chainOrder(structure, family: .ip).map(\.name)
                == ["INPUT", "FORWARD", "OUTPUT", "Alpha", "beta", "zeta"])
    }
}

extension IptablesDecodingTests {
    @Test("a merged 4-byte port load splits into tcp sport and tcp dport in nft syntax")
    func mergedPayloadInNft() {
        let rule = Self.rule([Self.meta(.l4proto), Self.cmp(.eq, [6]),
                              Self.payload(.transport, 0, 4), Self.cmp(.eq, [0, 1, 0, 2]), Self.verdict(.accept)])
        #expect(NFTRenderer(structure: RulesetStructure()).render(rule).text == "tcp sport 1 tcp dport 2 accept")
    }
}
