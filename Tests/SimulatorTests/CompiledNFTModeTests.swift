import NetCore
import NFTables
import SimulatorCorpus
import Testing
@testable import Simulator

/// kube-proxy nftables mode (concatenated verdict maps, numgen vmaps, native dnat/masquerade/mark): the
/// compiled matcher interprets what it does not compile (set lookups, ct, meta set) and still equals the
/// interpreter; the hot path hands such packets back (`needsInterpreter`) instead of guessing.
@Suite("compiled matcher on kube-proxy nftables mode")
struct CompiledNFTModeTests {
    @Test("same verdicts, decisive rules and NAT as the interpreter", arguments: [(30, UInt64(31)), (300, 32)])
    func nftMode(services: Int, seed: UInt64) throws {
        let (network, targets) = KubeProxyNFTModel.network(services: services)
        let evaluator = CompiledEvaluator(network: network)
        let program = try #require(evaluator.program(KubeProxyNodeModel.node))
        #expect(program.interpretedRules > 0 && program.compiledRules > 0)
        let interpreted = PathSimulator(network: network)
        let compiled = PathSimulator(network: network, evaluator: evaluator)
        let node = CompiledNode(model: try #require(network.namespaces[KubeProxyNodeModel.node]))
        let interface = try #require(node.interfaceIndex(KubeProxyNodeModel.podInterface))
        var verdicts: Set<String> = []
        var dnatted = 0
        for packet in CompiledMatcherTests.podPackets(targets, count: 300, seed: seed) {
            let expected = interpreted.simulateArrival(packet, namespace: KubeProxyNodeModel.node, interface: KubeProxyNodeModel.podInterface)
            let actual = compiled.simulateArrival(packet, namespace: KubeProxyNodeModel.node, interface: KubeProxyNodeModel.podInterface)
            #expect(actual.verdict == expected.verdict && actual.decisive == expected.decisive && actual.mangled == expected.mangled
                    && actual.outcome == expected.outcome, "\(packet.summary)")
            verdicts.insert("\(expected.verdict)")
            if let mangled = expected.mangled, mangled.destination != packet.destination { dnatted += 1 }
            var fast = FastPacket(packet)
            var choices = BranchChoices()
            #expect(node.forward(&fast, arrivingOn: interface, choices: &choices).kind == .needsInterpreter)
        }
        #expect(verdicts.count >= 2, "\(verdicts)")
        #expect(dnatted > 0)
    }
}
