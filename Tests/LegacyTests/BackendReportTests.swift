@testable import Legacy
import NetCore
import Testing

@Suite("split-backend report")
struct BackendReportTests {
    private func census(_ chains: [NFTablesCensus.Chain]) -> NFTablesCensus { NFTablesCensus(chains: chains) }

    private func nftChain(_ family: String, _ table: String, _ name: String, hook: UInt32?, priority: Int32?,
                          rules: Int) -> NFTablesCensus.Chain {
        NFTablesCensus.Chain(family: family, table: table, name: name, hook: hook, priority: priority, ruleCount: rules)
    }

    @Test("legacy filter INPUT and an inet filter input chain at priority 0 share a hook with an ambiguous order")
    func ambiguousFilter() throws {
        let legacy = try sampleFilter().decode()
        let report = BackendReport(legacy: [legacy], nftables: census([
            nftChain("inet", "firewalld", "filter_INPUT", hook: 1, priority: 0, rules: 3),
            nftChain("ip", "raw", "PREROUTING", hook: 0, priority: -300, rules: 1),
            nftChain("ip6", "filter", "INPUT", hook: 1, priority: 0, rules: 1),
        ]))
        #expect(report.isSplit)
        let input = try #require(report.sharedHooks.first { $0.hook == "input" })
        #expect(input.family == .ipv4)
        #expect(input.ambiguousOrder)
        #expect(input.chains.map(\.table) == ["filter", "firewalld"])
        #expect(input.alternatives.map { $0.map(\.backend) } == [[.legacy, .nftables], [.nftables, .legacy]])
        // The ip6 chain does not share the IPv4 hook; the ip raw chain is on a hook legacy filter does not use.
        #expect(!report.sharedHooks.contains { $0.family == .ipv6 })
        #expect(!report.sharedHooks.contains { $0.hook == "prerouting" })
    }

    @Test("different priorities give one order; no nft rules means no split")
    func orderedByPriority() throws {
        let legacy = try sampleFilter().decode()
        let report = BackendReport(legacy: [legacy], nftables: census([
            nftChain("ip", "mangle", "INPUT", hook: 1, priority: -150, rules: 0),
            nftChain("ip", "security", "INPUT", hook: 1, priority: 50, rules: 0),
        ]))
        #expect(!report.isSplit)
        let input = try #require(report.sharedHooks.first { $0.hook == "input" })
        #expect(!input.ambiguousOrder)
        #expect(input.alternatives.count == 1)
        #expect(input.alternatives[0].map(\.priority) == [-150, 0, 50])
    }

    @Test("legacy hook priorities follow NF_IP_PRI_*")
    func priorities() {
        #expect(BackendReport.legacyPriority(table: "nat", hook: .prerouting) == -100)
        #expect(BackendReport.legacyPriority(table: "nat", hook: .postrouting) == 100)
        #expect(BackendReport.legacyPriority(table: "raw", hook: .output) == -300)
        #expect(BackendReport.legacyPriority(table: "security", hook: .input) == 50)
        #expect(BackendReport.legacyPriority(table: "bogus", hook: .input) == nil)
    }
}
