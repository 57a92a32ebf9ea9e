import Foundation
import NFScope
import NFTables
import RulesetCorpus
import SimulatorCorpus
import Testing
import TestLab

/// The typed kube-proxy node model (used by the compiled-matcher property tests and the simulator
/// benchmarks) against what the kernel holds after `iptables-nft-restore` of the same services: the
/// expressions of every chain they share are identical.
@Suite("Typed kube-proxy model equals the kernel's rules", .serialized,
       .enabled(if: Shell.isRoot, "needs root: creates a network namespace and loads a kube-proxy ruleset"))
struct SimulatorCorpusKernelTests {
    @Test("iptables-nft-restore of 16 services holds the typed model's expressions")
    func typedModelMatchesKernel() throws {
        let services = 16
        let (network, _) = KubeProxyNodeModel.network(services: services)
        let model = try #require(network.namespaces[KubeProxyNodeModel.node])
        // Session affinity's `recent` rules are left out of the typed model: skip those services' chains.
        var skipped = Set<String>()
        for index in 0..<services where KubeProxyService(index: index).kind == .affinity {
            let service = KubeProxyService(index: index)
            skipped.insert("KUBE-SVC-" + KubeProxyService.hash(service.servicePortName))
            for endpoint in service.endpoints { skipped.insert("KUBE-SEP-" + KubeProxyService.hash(service.servicePortName + endpoint)) }
        }
        var expected: [String: [[NFTables.Expression]]] = [:]
        for rule in model.ruleset.rules where !skipped.contains(rule.chain) {
            expected["\(rule.table) \(rule.chain)", default: []].append(rule.expressions)
        }
        try withLab { lab in
            let namespace = try lab.namespace("kpt")
            try namespace.loadIptables(KubeProxyIptablesCorpus.generate(services: services))
            let session = try RulesetSource.session(for: .spec(namespace.name))
            var actual: [String: [[NFTables.Expression]]] = [:]
            try session.reader.stream(RulesetFilter(family: .ip)) { event in
                switch event {
                case .rules(let chain, let rules): actual["\(chain.table) \(chain.name)"] = rules.map(\.expressions)
                case .restart: actual = [:]
                case .structure: break
                }
            }
            var compared = 0
            for (chain, rules) in expected.sorted(by: { $0.key < $1.key }) {
                let kernel = actual[chain] ?? []
                #expect(kernel.count == rules.count, "\(chain): \(kernel.count) rules in the kernel, \(rules.count) typed")
                for (index, (typed, held)) in zip(rules, kernel).enumerated() where typed != held {
                    var detail = ""
                    for (a, b) in zip(typed, held) where a != b {
                        if case .match(let x) = a, case .match(let y) = b { detail += " \(x.name): \(x.info.count) vs \(y.info.count) bytes \(Self.firstDifference(x.info, y.info))" }
                        if case .target(let x) = a, case .target(let y) = b { detail += " \(x.name): \(x.info.count) vs \(y.info.count) bytes \(Self.firstDifference(x.info, y.info))" }
                    }
                    Issue.record("\(chain) rule \(index):\(detail)\n typed  \(typed.map(\.description))\n kernel \(held.map(\.description))")
                }
                compared += rules.count
            }
            #expect(compared > 100)
        }
    }

    static func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> String {
        guard let i = (0..<min(a.count, b.count)).first(where: { a[$0] != b[$0] }) else { return "(common prefix equal)" }
        return "first difference at \(i): \(a[i...].prefix(8).map { String($0, radix: 16) }) vs \(b[i...].prefix(8).map { String($0, radix: 16) })"
    }
}
