import Foundation
import NFScope
import NFTables
import RulesetCorpus
import Testing
import TestLab

/// The parallel read (`RulesetReader.stream(on:)`, what `nfscope ruleset` uses for text): in-order hand-over,
/// a replay when the ruleset changes mid-read, and a clean stop when the caller gives up. Equality with the
/// sequential read on every differential corpus is checked by `RulesetOracle`.
@Suite("Ruleset parallel read", .serialized,
       .enabled(if: Shell.isRoot, "needs root: creates network namespaces and loads rulesets"))
struct RulesetParallelReadTests {
    /// A parallel iptables read of `namespace` through `session`; `onChain` runs before each chain is written.
    private static func iptablesText(_ session: RulesetSession, window: Int = 2, restarts: inout [Int],
                                     onChain: (Chain) throws -> Void = { _ in }) throws -> String {
        var text = ""
        var writer: IptablesSaveWriter?
        try session.reader.stream(RulesetFilter(family: .ip),
                                  order: { IptablesSaveWriter.chainOrderIndices($0, family: .ip) },
                                  on: session.readConnections, window: window, structure: { structure in
            let made = IptablesSaveWriter(structure: structure, family: .ip) { text += $0 }
            writer = made
            return IptablesSaveWriter.chainWork([.ip: made])
        }, chain: { chain, part in
            try onChain(chain)
            writer?.write(chain: chain, renderedBytes: part)
        }, restart: { attempt in
            restarts.append(attempt)
            text = ""
        })
        writer?.finish()
        return text
    }

    @Test("a rule added while chains are handed over replays the read, which then shows the rule")
    func replaysOnChange() throws {
        try withLab { lab in
            let namespace = try lab.namespace("prr")
            try namespace.loadIptables(KubeProxyIptablesCorpus.generate(services: 40))
            let session = try RulesetSource.session(for: .spec(namespace.name), readingLegacy: false, parallelReaders: 2)
            var restarts: [Int] = []
            var changed = false
            let text = try Self.iptablesText(session, restarts: &restarts) { _ in
                guard !changed else { return }
                changed = true
                _ = try namespace.exec(["iptables-nft", "-A", "INPUT", "-s", "192.0.2.77/32", "-j", "DROP"])
            }
            #expect(restarts == [2], "one replay, announced as attempt 2")
            #expect(text.contains("-A INPUT -s 192.0.2.77/32 -j DROP"), "the replay read the new rule")
            let expected = RulesetOracle.normaliseIptables(try RulesetOracle.iptablesOracle(namespace))
            #expect(Bool(RulesetOracle.normaliseIptables(text) == expected),
                    "\(RulesetOracle.diff(expected, RulesetOracle.normaliseIptables(text)))")
        }
    }

    @Test("an error while handing chains over stops every thread, and the connections read again cleanly")
    func stopsOnCallerError() throws {
        struct Stop: Error {}
        try withLab { lab in
            let namespace = try lab.namespace("prs")
            try namespace.loadIptables(KubeProxyIptablesCorpus.generate(services: 200))
            let session = try RulesetSource.session(for: .spec(namespace.name), readingLegacy: false, parallelReaders: 3)
            var restarts: [Int] = []
            var delivered = 0
            #expect(throws: Stop.self) {
                _ = try Self.iptablesText(session, window: 8, restarts: &restarts) { _ in
                    delivered += 1
                    if delivered == 5 { throw Stop() }
                }
            }
            #expect(delivered == 5, "no chain is handed over after the error")
            // Every thread drained its dump before the read returned: the same connections read the whole
            // ruleset again, and it matches the sequential read.
            let again = try Self.iptablesText(session, window: 1, restarts: &restarts)
            #expect(restarts.isEmpty)
            let sequential = try RulesetOracle.sequentialIptablesRendering(namespace)
            #expect(Bool(again == sequential), "\(RulesetOracle.diff(sequential, again))")
            #expect(again.split(separator: "\n").count > 1_000, "the corpus loaded")
        }
    }

    @Test("chains reach the caller in the requested order whatever thread read them, long ones in parts")
    func handsOverInOrder() throws {
        try withLab { lab in
            let namespace = try lab.namespace("pro")
            try namespace.loadIptables(KubeProxyIptablesCorpus.generate(services: 300))
            let session = try RulesetSource.session(for: .spec(namespace.name), readingLegacy: false, parallelReaders: 4)
            var expectedOrder: [String] = []
            var seen: [String] = []
            var parts = 0
            try session.reader.stream(RulesetFilter(family: .ip),
                                      order: { structure in
                                          let order = IptablesSaveWriter.chainOrderIndices(structure, family: .ip)
                                          expectedOrder = order.map { "\(structure.chains[$0].table)/\(structure.chains[$0].name)" }
                                          return order
                                      },
                                      on: session.readConnections, window: 3,
                                      structure: { _ in ChainWork(initial: 0) { _, rules, count in count += rules.count } },
                                      chain: { chain, _ in
                                          // A long chain comes as several consecutive parts.
                                          parts += 1
                                          let name = "\(chain.table)/\(chain.name)"
                                          if seen.last != name { seen.append(name) }
                                      },
                                      restart: { _ in
                                          seen = []
                                          parts = 0
                                      })
            #expect(expectedOrder.count > 900, "the corpus loaded")
            #expect(seen == expectedOrder)
            #expect(parts > seen.count, "KUBE-SERVICES (over 256 rules) came in more than one part")
        }
    }
}
