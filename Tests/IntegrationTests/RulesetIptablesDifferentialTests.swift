import Foundation
import NFTables
import Testing
import TestLab

/// nfscope's iptables rendering against `iptables-nft-save` / `ip6tables-nft-save`, on rulesets loaded with
/// `iptables-nft-restore` in throwaway namespaces (normalising only header comments and counters).
///
/// A line may differ only where nfscope printed an x_tables blob raw because the Xtables module has no decoder
/// for it yet (`/* nfscope: raw rev R, N bytes */`): such lines are recorded as a known issue naming the
/// extensions, so the test turns red ("known issue not recorded") once the decoders land. Any other
/// difference fails.
@Suite("Ruleset iptables rendering matches iptables-nft-save", .serialized,
       .enabled(if: Shell.isRoot, "needs root: creates network namespaces and loads iptables-nft rules"))
struct RulesetIptablesDifferentialTests {
    static let ipv4Fixtures = ["iptables-order-and-native.rules", "iptables-kube-small.rules", "flannel.rules",
                             "docker.rules", "istio-init.rules", "cni-portmap.rules", "calico.rules",
                             "kube-router.rules", "iptables-xt-extensions.rules"]

    @Test("IPv4 corpus renders as iptables-nft-save prints it", arguments: ipv4Fixtures)
    func ipv4Corpus(_ name: String) throws {
        try compare(name, family: .ip)
    }

    @Test("IPv6 corpus renders as ip6tables-nft-save prints it")
    func ipv6Corpus() throws {
        try compare("ip6-basic.rules", family: .ip6)
    }

    func compare(_ name: String, family: NFTFamily) throws {
        try withLab { lab in
            let namespace = try lab.namespace("ipt")
            try RulesetOracle.loadIptablesFixture(name, into: namespace, family: family)
            let expected = RulesetOracle.normaliseIptables(try RulesetOracle.iptablesOracle(namespace, family: family))
            let actual = RulesetOracle.normaliseIptables(try RulesetOracle.iptablesRendering(namespace, family: family))
            #expect(expected.split(separator: "\n").count > 3, "\(name) loaded")
            let differences = RulesetOracle.differingLines(expected, actual)
            let gaps = differences.filter { $0.actual.contains("/* nfscope: raw rev") }
            let real = differences.filter { !$0.actual.contains("/* nfscope: raw rev") }
            #expect(real.isEmpty, "\(name):\n\(real.prefix(8).map(\.description).joined(separator: "\n"))")
            if !gaps.isEmpty {
                withKnownIssue("Xtables has no decoder yet for: \(RulesetOracle.rawExtensions(gaps.map(\.actual)))") {
                    Issue.record("\(name): \(gaps.count) lines with raw xt blobs, e.g.\n\(gaps[0])")
                }
            }
        }
    }
}
