import Foundation
import NFTables
import Testing
import TestLab

/// nfscope's iptables rendering against `iptables-nft-save`, on rulesets loaded with `iptables-nft-restore`.
@Suite("Ruleset iptables rendering matches iptables-nft-save", .serialized,
       .enabled(if: Shell.isRoot, "needs root: creates network namespaces and loads iptables-nft rules"))
struct RulesetIptablesDifferentialTests {
    static let corpus = ["iptables-order-and-native.rules", "iptables-kube-small.rules"]

    @Test("iptables corpus renders as iptables-nft-save prints it", arguments: corpus)
    func corpusMatches(_ name: String) throws {
        try withLab { lab in
            let namespace = try lab.namespace("ipt")
            try namespace.loadIptables(try RulesetOracle.fixture(name))
            let expected = RulesetOracle.normaliseIptables(try RulesetOracle.iptablesOracle(namespace))
            let actual = RulesetOracle.normaliseIptables(try RulesetOracle.iptablesRendering(namespace))
            #expect(Bool(expected == actual), "\(name):\n\(RulesetOracle.diff(expected, actual))")
        }
    }
}

extension RulesetIptablesDifferentialTests {
    /// Extensions the Xtables module does not decode yet print raw (`/* nfscope: raw rev 2, 72 bytes */`):
    /// a known issue that turns into a failure ("known issue not recorded") once the decoders land.
    @Test("xt extensions without a decoder yet (CT, icmp) are a known gap")
    func pendingExtensions() throws {
        try withLab { lab in
            let namespace = try lab.namespace("xtp")
            try namespace.loadIptables(try RulesetOracle.fixture("iptables-xt-pending.rules"))
            let expected = RulesetOracle.normaliseIptables(try RulesetOracle.iptablesOracle(namespace))
            let actual = RulesetOracle.normaliseIptables(try RulesetOracle.iptablesRendering(namespace))
            #expect(actual.contains("/* nfscope: raw rev"), "raw blobs stay visible, never dropped")
            withKnownIssue("Xtables lacks CT and icmp decoders") {
                #expect(Bool(expected == actual), "\(RulesetOracle.diff(expected, actual))")
            }
        }
    }
}
