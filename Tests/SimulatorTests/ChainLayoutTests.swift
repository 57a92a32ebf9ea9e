import NetCore
import NFTables
import SimulatorCorpus
import Testing
@testable import Simulator

/// The compiled matcher's code layout: chains depth first along jumps, each subtree contiguous, and the
/// prefetch span a jump carries covering exactly that subtree. Results cannot depend on it (the
/// equivalence tests in CompiledMatcherTests judge that); what this checks is that the memory a kube-proxy
/// service's packet touches is the small contiguous stretch the prefetch asks for.
@Suite("compiled code layout")
struct ChainLayoutTests {
    @Test("depth first along jumps and gotos, each chain once, unreachable chains last")
    func order() {
        // 0 → 2, 3; 2 → 4; 3 goto 4 (already placed), jump 1; 1 → 0 (a loop); 5 unreachable; 6 out of range.
        let actions: [[CompiledAction?]] = [
            [.jump(2), .fallThrough, .jump(3)],
            [.jump(0)],
            [nil, .jump(4), .accept],
            [.goto(4), .jump(1), .jump(6)],
            [.drop],
            [.return],
        ]
        let layout = ChainLayout(actions, roots: [0])
        #expect(layout.order == [0, 2, 4, 3, 1, 5])
        // Sizes 10, 20, 30, 40, 50, 60 units, laid out in that order.
        let sizes: [Int32] = [10, 20, 30, 40, 50, 60]
        var offsets = [Int32](repeating: 0, count: 6)
        var running: Int32 = 0
        for id in layout.order { offsets[Int(id)] = running; running += sizes[Int(id)] }
        let reach = layout.spans(offsets: offsets, end: running)
        #expect(reach[0] == 10 + 30 + 50 + 40 + 20)  // everything but 5
        #expect(reach[2] == 30 + 50)
        #expect(reach[4] == 50)
        #expect(reach[3] == 40 + 20)
        #expect(reach[1] == 20)
        #expect(reach[5] == 60)
    }

    @Test("an arriving packet's first key lookups (nat PREROUTING → KUBE-SERVICES) are known up front")
    func entryClasses() throws {
        let (network, _) = KubeProxyNodeModel.network(services: 300)
        let model = try #require(network.namespaces[KubeProxyNodeModel.node])
        let node = CompiledNode(model: model)
        let program = node.ruleset
        let services = try #require(program.chainIDs[RulesetIndex.ChainKey(family: .ip, table: "nat", chain: "KUBE-SERVICES")])
        let header = program.header(at: program.chainOffsets[Int(services)])
        #expect(header.classCount > 0)
        let own = Set(header.classStart..<header.classStart + header.classCount)
        #expect(!node.entryClasses.isEmpty && Set(node.entryClasses).isSubset(of: own), "\(node.entryClasses) of \(own)")
        // Filter chains are not entered before FORWARD: none of their classes is prefetched on arrival.
        let filterServices = try #require(program.chainIDs[RulesetIndex.ChainKey(family: .ip, table: "filter", chain: "KUBE-SERVICES")])
        let filterHeader = program.header(at: program.chainOffsets[Int(filterServices)])
        #expect(Set(node.entryClasses).isDisjoint(with: filterHeader.classStart..<filterHeader.classStart + filterHeader.classCount))
    }

    @Test("a code unit is 16 bytes (four to a cache line), a key slot 40")
    func sizes() {
        #expect(MemoryLayout<CodeUnit>.stride == 16)
        #expect(MemoryLayout<HashSlot>.stride == 40)
    }

    @Test("several roots: each starts its own subtree; a chain reached from an earlier root stays there")
    func roots() {
        let actions: [[CompiledAction?]] = [[.jump(2)], [.jump(2), .jump(3)], [], []]
        let layout = ChainLayout(actions, roots: [1, 0])
        #expect(layout.order == [1, 2, 3, 0])
    }

    @Test("kube-proxy: a service chain's endpoint chains lie inside the span its jump prefetches")
    func kubeProxyServices() throws {
        let (network, _) = KubeProxyNodeModel.network(services: 300)
        let model = try #require(network.namespaces[KubeProxyNodeModel.node])
        let program = CompiledRuleset(model.ruleset, routes: CompiledRoutes(model))
        // Every jump or goto unit names its target's header and span; all jumps to a chain agree on the span.
        var spans: [Int32: UInt64] = [:]
        var jumps = 0
        for unit in program.code + program.slots.filter({ $0.end >= 0 }).map(\.unit) where unit.kind == .rule && unit.flags & PackedRule.interpreted == 0 {
            guard unit.test == PackedRule.Kind.jump.rawValue || unit.test == PackedRule.Kind.goto.rawValue else { continue }
            let target = Int32(truncatingIfNeeded: unit.word), span = unit.word >> 32
            #expect(program.code[Int(target)].kind == .chainHeader)
            if let known = spans[target] { #expect(known == span) }
            spans[target] = span
            jumps += 1
        }
        #expect(jumps > 600)
        var services = 0, withinPrefetch = 0
        for (id, chain) in program.chains.enumerated() where chain.name.hasPrefix("KUBE-SVC-") {
            let offset = program.chainOffsets[id]
            let span = try #require(spans[offset], "\(chain.name) is jumped to")
            var endpoints = 0
            for ruleID in chain.ruleIDs {
                guard case .immediate(let immediate)? = program.sourceRules[Int(ruleID)].expressions.last,
                      case .verdict(let verdict) = immediate.data, let target = verdict.chain, target.hasPrefix("KUBE-SEP-"),
                      let sep = program.chainIDs[RulesetIndex.ChainKey(family: chain.family, table: chain.table, chain: target)]
                else { continue }
                let sepOffset = program.chainOffsets[Int(sep)]
                #expect(sepOffset > offset && UInt64(sepOffset - offset) < span, "\(target) inside \(chain.name)'s span")
                endpoints += 1
            }
            #expect(endpoints >= 1, "\(chain.name) has endpoint chains")
            services += 1
            if span <= UInt64(CompiledRuleset.prefetchUnits) { withinPrefetch += 1 }
        }
        #expect(services >= 250)
        // Most service subtrees (a service chain and its endpoints) fit in one prefetch.
        #expect(withinPrefetch * 10 >= services * 9, "\(withinPrefetch) of \(services)")
    }
}
