import Foundation
import NFTables
import Testing
import TestLab

/// nfscope's nft rendering against `nft list ruleset`, on rulesets loaded with `nft -f` in throwaway namespaces.
///
/// Tables written by iptables-nft are compared in iptables syntax only (RulesetIptablesDifferentialTests):
/// for their compat expressions nft 1.0.6 prints libxtables translations, which are lossy — `-m comment`
/// vanishes and leaves a double space (`ip daddr 10.96.0.10  tcp dport 53`), `-m statistic` becomes
/// `meta random & 2147483647 < 1073741824`, `-j MARK --set-xmark` becomes `meta mark set mark or 0x4000`
/// although the kernel runs the xt target. nfscope prints what the kernel holds (`xt match "comment"`,
/// `xt target "MARK"`) instead of copying that loss.
@Suite("Ruleset nft rendering matches nft list ruleset", .serialized,
       .enabled(if: Shell.isRoot, "needs root: creates network namespaces and loads nf_tables rules"))
struct RulesetNFTDifferentialTests {
    static let corpus = ["nft-mixed.nft", "cni-portmap.nft", "nft-expressions.nft", "nft-dormant-and-flags.nft", "nft-netdev.nft", "nft-sets.nft",
                         "nft-typeof.nft", "nft-raw-payload.nft"]

    @Test("nft corpus renders as nft prints it", arguments: corpus)
    func corpusMatches(_ name: String) throws {
        try withLab { lab in
            let namespace = try lab.namespace("nft")
            let ruleset = try RulesetOracle.fixture(name)
            for line in ruleset.split(separator: "\n") where line.hasPrefix("# setup: ") {
                try namespace.exec(line.dropFirst("# setup: ".count).split(separator: " ").map(String.init))
            }
            try namespace.loadNft(ruleset)
            let expected = try RulesetOracle.nftOracle(namespace)
            let actual = RulesetOracle.normaliseNft(try RulesetOracle.nftRendering(namespace))
            #expect(Bool(expected == actual), "\(name):\n\(RulesetOracle.diff(expected, actual))")
        }
    }
}

extension RulesetNFTDifferentialTests {
    @Test("debug dump", .enabled(if: ProcessInfo.processInfo.environment["NFSCOPE_DUMP"] != nil))
    func debugDump() throws {
        try withLab { lab in
            let namespace = try lab.namespace("dbg")
            try namespace.loadNft(try RulesetOracle.fixture(ProcessInfo.processInfo.environment["NFSCOPE_DUMP"]!))
            try RulesetOracle.nftRendering(namespace).write(toFile: "/tmp/nfscope-dump.txt", atomically: true, encoding: .utf8)
            try RulesetOracle.nftOracle(namespace).write(toFile: "/tmp/nft-dump.txt", atomically: true, encoding: .utf8)
        }
    }
}

extension RulesetNFTDifferentialTests {
    @Test("a read filtered to one table or chain equals nft list table / nft list chain")
    func filteredReads() throws {
        try withLab { lab in
            let namespace = try lab.namespace("flt")
            try namespace.loadNft(try RulesetOracle.fixture("nft-expressions.nft"))
            try namespace.loadNft(try RulesetOracle.fixture("cni-portmap.nft"))
            let table = try RulesetOracle.nftOracle(namespace, arguments: ["list", "table", "inet", "expr"])
            let tableRendering = try RulesetOracle.nftRendering(namespace, filter: RulesetFilter(family: .inet, table: "expr"))
            #expect(Bool(table == RulesetOracle.normaliseNft(tableRendering)), "\(RulesetOracle.diff(table, tableRendering))")
            let chain = try RulesetOracle.nftOracle(namespace, arguments: ["list", "chain", "ip", "cni_hostport", "hostports"])
            let chainRendering = try RulesetOracle.nftRendering(
                namespace, filter: RulesetFilter(family: .ip, table: "cni_hostport", chain: "hostports"), chainsOnly: true)
            #expect(Bool(chain == chainRendering), "\(RulesetOracle.diff(chain, chainRendering))")
            #expect(chainRendering.contains("dnat ip to meta l4proto . th dport map @hostports"))
        }
    }
}
