import Foundation
import NFTables
import RulesetCorpus
import Testing
import TestLab

/// Generated kube-proxy rulesets (1,000 services) read through nfscope and through the oracle tools.
@Suite("Ruleset kube-proxy corpora match the oracle tools", .serialized,
       .enabled(if: Shell.isRoot, "needs root: creates network namespaces and loads kube-proxy-sized rulesets"))
struct RulesetKubeProxyDifferentialTests {
    @Test("kube-proxy iptables mode, 1,000 services: iptables rendering equals iptables-nft-save")
    func iptablesMode() throws {
        try withLab { lab in
            let namespace = try lab.namespace("kpi")
            try namespace.loadIptables(KubeProxyIptablesCorpus.generate(services: 1000))
            let expected = RulesetOracle.normaliseIptables(try RulesetOracle.iptablesOracle(namespace))
            let actual = RulesetOracle.normaliseIptables(try RulesetOracle.iptablesRendering(namespace))
            #expect(expected.split(separator: "\n").count > 10_000, "the corpus loaded")
            #expect(Bool(expected == actual), "\(RulesetOracle.diff(expected, actual))")
        }
    }

    @Test("kube-proxy iptables mode over IPv6, 500 services: ip6tables rendering equals ip6tables-nft-save")
    func iptablesModeIPv6() throws {
        try withLab { lab in
            let namespace = try lab.namespace("kp6")
            try namespace.loadIptables(KubeProxyIp6tablesCorpus.generate(services: 500), ipv6: true)
            let expected = RulesetOracle.normaliseIptables(try RulesetOracle.iptablesOracle(namespace, family: .ip6))
            let actual = RulesetOracle.normaliseIptables(try RulesetOracle.iptablesRendering(namespace, family: .ip6))
            #expect(expected.split(separator: "\n").count > 5_000, "the corpus loaded")
            #expect(expected.contains("--to-destination [fd00:"), "DNAT to bracketed IPv6 endpoints")
            #expect(Bool(expected == actual), "\(RulesetOracle.diff(expected, actual))")
        }
    }

    @Test("kube-proxy nftables mode, 1,000 services: nft rendering equals nft list ruleset")
    func nftablesMode() throws {
        try withLab { lab in
            let namespace = try lab.namespace("kpn")
            try namespace.loadNft(KubeProxyNFTCorpus.generate(services: 1000))
            let expected = try RulesetOracle.nftOracle(namespace)
            let actual = RulesetOracle.normaliseNft(try RulesetOracle.nftRendering(namespace))
            #expect(expected.contains("numgen random mod"), "the corpus loaded")
            #expect(Bool(expected == actual), "\(RulesetOracle.diff(expected, actual))")
        }
    }
}
