import Netlink
import NetlinkTesting
import NetNS
import NFScope
import NFTables
import Render
import RulesetCorpus
import Testing
import TestLab

/// `IptablesLineRenderer.append(message:chain:to:)` reads most rules straight from their kernel messages;
/// it must give exactly the line of the general path (`Rule(message:)` then `append(_:to:)`) whenever it
/// takes a rule, decline everything else, and take nearly every rule of a kube-proxy ruleset (or it saves
/// nothing). The whole-ruleset comparison with iptables-nft-save runs through it too (`RulesetOracle`'s
/// parallel read, the CLI's).
@Suite("iptables lines read straight from rule messages", .serialized,
       .enabled(if: Shell.isRoot, "needs root: creates network namespaces and loads rulesets"))
struct IptablesMessageFastPathTests {
    /// Every rule message of `family`, with its decoded rule, as the kernel dumps them.
    private static func ruleMessages(_ namespace: LabNamespace, family: NFTFamily) throws -> [(message: NetlinkMessage, rule: Rule)] {
        let connection = try NamespaceHandle(name: namespace.name).connection(.netfilter)
        var result: [(NetlinkMessage, Rule)] = []
        try connection.dump(NFTMessage.request(.getRule, family: family), operation: .dump("rules")) { message in
            guard NFTMessage(netlinkType: message.header.type) == .newRule else { return }
            // The payload copied out of the receive buffer, which the next datagram overwrites.
            let copy = NetlinkMessage(header: message.header, payload: Array(message.payload)[...])
            result.append((copy, try Rule(message: copy)))
        }
        return result
    }

    private static func renderer(_ namespace: LabNamespace, family: NFTFamily) throws -> IptablesLineRenderer {
        let session = try RulesetSource.session(for: .spec(namespace.name), readingLegacy: false)
        let structure = try session.reader.snapshot(RulesetFilter(family: family)).structure
        return IptablesSaveWriter(structure: structure, family: family, ipsetName: session.ipsetName) { _ in }.lines
    }

    /// Compares both paths on every rule; returns how many rules the message path took.
    private static func compareBothPaths(_ namespace: LabNamespace, family: NFTFamily) throws -> (taken: Int, total: Int) {
        let renderer = try renderer(namespace, family: family)
        let messages = try ruleMessages(namespace, family: family)
        var taken = 0
        var mismatches: [String] = []
        for (message, rule) in messages {
            var general: [UInt8] = []
            renderer.append(rule, to: &general)
            var fast: [UInt8] = []
            guard renderer.append(message: message, chain: rule.chain, to: &fast) else {
                #expect(fast.isEmpty, "a declined rule appends nothing")
                continue
            }
            taken += 1
            if fast != general, mismatches.count < 5 {
                mismatches.append("message path: \(String(decoding: fast, as: UTF8.self))general path: \(String(decoding: general, as: UTF8.self))")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
        return (taken, messages.count)
    }

    @Test("kube-proxy iptables mode (IPv4 and IPv6): the message path takes nearly every rule, each line as the general path's")
    func kubeProxy() throws {
        try withLab { lab in
            let namespace = try lab.namespace("imf")
            try namespace.loadIptables(KubeProxyIptablesCorpus.generate(services: 300))
            let (taken, total) = try Self.compareBothPaths(namespace, family: .ip)
            #expect(total > 3_000, "the corpus loaded")
            // Only kube-proxy's `-m mark` rules (a masked meta mark) and the like go the general way.
            #expect(Double(taken) >= 0.99 * Double(total), "the message path took \(taken) of \(total) rules")

            let six = try lab.namespace("imf6")
            try six.loadIptables(KubeProxyIp6tablesCorpus.generate(services: 100), ipv6: true)
            let (taken6, total6) = try Self.compareBothPaths(six, family: .ip6)
            #expect(total6 > 1_000, "the IPv6 corpus loaded")
            #expect(Double(taken6) >= 0.99 * Double(total6), "the message path took \(taken6) of \(total6) IPv6 rules")
        }
    }

    @Test("every differential corpus: whatever the message path takes, it renders as the general path",
          arguments: ["iptables-order-and-native.rules", "iptables-kube-small.rules", "flannel.rules", "docker.rules",
                      "istio-init.rules", "cni-portmap.rules", "calico.rules", "kube-router.rules",
                      "iptables-xt-extensions.rules"])
    func corpus(_ name: String) throws {
        try withLab { lab in
            let namespace = try lab.namespace("imc")
            try RulesetOracle.loadIptablesFixture(name, into: namespace)
            let (_, total) = try Self.compareBothPaths(namespace, family: .ip)
            #expect(total > 0, "the fixture loaded")
        }
    }

    @Test("mutated rule messages: the message path declines what the decoder rejects, and agrees on the rest")
    func mutatedMessages() throws {
        try withLab { lab in
            let namespace = try lab.namespace("imm")
            try namespace.loadIptables(KubeProxyIptablesCorpus.generate(services: 20))
            try RulesetOracle.loadIptablesFixture("iptables-xt-extensions.rules", into: namespace)
            let renderer = try Self.renderer(namespace, family: .ip)
            let messages = try Self.ruleMessages(namespace, family: .ip)
            var generator = SeededGenerator(seed: 0x1b7a_b1e5)
            var (taken, rejectedByDecoder, wrong) = (0, 0, [String]())
            for round in 0..<30_000 {
                let (original, rule) = messages[Int.random(in: 0..<messages.count, using: &generator)]
                var bytes = Array(original.payload)
                for _ in 0...Int.random(in: 0...2, using: &generator) {
                    switch Int.random(in: 0..<4, using: &generator) {
                    case 0: bytes.removeLast(Int.random(in: 1...min(8, bytes.count), using: &generator))
                    default: bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                    }
                    if bytes.isEmpty { break }
                }
                let message = NetlinkMessage(header: original.header, payload: bytes[...])
                var fast: [UInt8] = []
                let tookIt = renderer.append(message: message, chain: rule.chain, to: &fast)
                guard let decoded = try? Rule(message: message) else {
                    rejectedByDecoder += 1
                    if tookIt, wrong.count < 5 { wrong.append("round \(round): rendered a message the decoder rejects") }
                    continue
                }
                guard tookIt else { continue }
                taken += 1
                var general: [UInt8] = []
                renderer.append(decoded, to: &general)
                if fast != general, wrong.count < 5 {
                    wrong.append("round \(round): \(String(decoding: fast, as: UTF8.self)) vs \(String(decoding: general, as: UTF8.self))")
                }
            }
            #expect(wrong.isEmpty, "\(wrong.joined(separator: "\n"))")
            // Both outcomes must occur, or the mutations did not exercise the comparison.
            #expect(taken > 1_000, "the message path took \(taken) mutated messages")
            #expect(rejectedByDecoder > 1_000, "the decoder rejected \(rejectedByDecoder) mutated messages")
        }
    }
}
