import NetCore
import NFTables
import Route
import SimulatorCorpus
import Testing
@testable import Simulator
import NetlinkTesting

/// The compiled matcher against the reference interpreter: as a ``ChainEvaluator`` inside the path
/// simulator (same outcomes, decisive rules, steps), and as the allocation-free hot path (same verdict,
/// decisive rule and NAT), on random packets over generated rulesets.
@Suite("compiled matcher equals the interpreter")
struct CompiledMatcherTests {
    @Test("random rules: same traces through the path simulator", arguments: [(20, UInt64(11)), (200, 12), (1000, 13)])
    func randomRules(services: Int, seed: UInt64) throws {
        let (network, targets) = DispatchEvaluatorTests.network(services: services, seed: seed)
        let evaluator = CompiledEvaluator(network: network)
        let program = try #require(evaluator.program("server"))
        #expect(program.indexedRules > 0)
        let interpreted = PathSimulator(network: network)
        let compiled = PathSimulator(network: network, evaluator: evaluator)
        var kinds: Set<Outcome.Kind> = []
        for request in DispatchEvaluatorTests.packets(targets, count: 400, seed: seed &+ 7) {
            let expected = try interpreted.trace(request)
            let actual = try compiled.trace(request)
            kinds.insert(expected.outcome.kind)
            #expect(DispatchEvaluatorTests.signature(actual) == DispatchEvaluatorTests.signature(expected), "\(request)")
            #expect(actual.warnings == expected.warnings, "\(request)")
        }
        #expect(kinds.count >= 3, "\(kinds)")
    }

    /// Pod packets to ClusterIPs (most to real services, some to unknown ports and addresses).
    static func podPackets(_ targets: [KubeProxyNodeModel.Target], count: Int, seed: UInt64) -> [Packet] {
        var random = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let source = IPAddress.v4(0x0a01_0000 | UInt32.random(in: 2...250, using: &random))  // a pod on cni0
            let sport = UInt16.random(in: 32768...60999, using: &random)
            switch Int.random(in: 0..<8, using: &random) {
            case 0:
                return Packet(family: .ipv4, proto: Bool.random(using: &random) ? .tcp : .udp, source: source,
                              destination: .v4(0xac1e_0000 | UInt32.random(in: 1...600, using: &random)), sourcePort: sport,
                              destinationPort: [53, 80, 443, 9090].randomElement(using: &random)!)
            case 1:
                return Packet(family: .ipv4, proto: .tcp, source: .v4(0xcb00_7101), destination: IPAddress("192.168.1.10")!,
                              sourcePort: sport, destinationPort: UInt16(30000 + Int.random(in: 0..<40, using: &random)))
            default:
                let target = targets.randomElement(using: &random)!
                return Packet(family: .ipv4, proto: target.proto, source: source, destination: target.address, sourcePort: sport,
                              destinationPort: target.port)
            }
        }
    }

    @Test("kube-proxy iptables mode: the hot path equals the interpreter", arguments: [(40, UInt64(21)), (400, 22), (2000, 23)])
    func kubeProxyHotPath(services: Int, seed: UInt64) throws {
        let (network, targets) = KubeProxyNodeModel.network(services: services)
        let model = try #require(network.namespaces[KubeProxyNodeModel.node])
        let node = CompiledNode(model: model)
        #expect(node.isExact)
        #expect(node.ruleset.interpretedRules == 0, "every kube-proxy rule compiles")
        let interface = try #require(node.interfaceIndex(KubeProxyNodeModel.podInterface))
        let interpreted = PathSimulator(network: network)
        let viaEvaluator = PathSimulator(network: network, evaluator: CompiledEvaluator(network: network))
        var verdicts: Set<String> = []
        for packet in Self.podPackets(targets, count: 500, seed: seed) {
            let expected = interpreted.simulateArrival(packet, namespace: KubeProxyNodeModel.node, interface: KubeProxyNodeModel.podInterface)
            let adapted = viaEvaluator.simulateArrival(packet, namespace: KubeProxyNodeModel.node, interface: KubeProxyNodeModel.podInterface)
            #expect(adapted.verdict == expected.verdict && adapted.decisive == expected.decisive
                    && adapted.mangled == expected.mangled && adapted.outcome == expected.outcome, "\(packet.summary)")
            var fast = FastPacket(packet)
            var choices = BranchChoices()
            let outcome = node.forward(&fast, arrivingOn: interface, choices: &choices)
            verdicts.insert("\(expected.verdict)")
            let decisive: RuleReference? = outcome.decisivePosition >= 0
                ? RuleReference(namespace: model.name, backend: "iptables-nft", family: .ip,
                                table: node.ruleset.chains[Int(outcome.decisiveChain)].table,
                                chain: node.ruleset.chains[Int(outcome.decisiveChain)].name,
                                handle: node.ruleset.rule(outcome.decisiveChain, outcome.decisivePosition).handle)
                : nil
            switch outcome.kind {
            case .forwarded, .local:
                #expect(expected.verdict == .accept, "\(packet.summary): \(outcome)")
            case .dropped:
                #expect(expected.verdict == .drop && expected.decisive == decisive, "\(packet.summary)")
            case .rejected:
                #expect(expected.verdict == .reject && expected.decisive == decisive, "\(packet.summary)")
            case .routing:
                #expect(expected.verdict == .routing, "\(packet.summary)")
            case .unfollowable, .needsInterpreter:
                Issue.record("\(packet.summary): \(outcome)")
            }
            if let mangled = expected.mangled {
                #expect(fast.destination.address(ipv6: false) == mangled.destination && fast.destinationPort == mangled.destinationPort
                        && fast.source.address(ipv6: false) == mangled.source && fast.sourcePort == mangled.sourcePort,
                        "\(packet.summary): \(mangled)")
            }
        }
        #expect(verdicts.count >= 2, "\(verdicts)")
    }

    @Test("every branch of a statistic cascade: probabilities sum to one, each endpoint once")
    func branches() throws {
        let (network, targets) = KubeProxyNodeModel.network(services: 8)
        let node = CompiledNode(model: try #require(network.namespaces[KubeProxyNodeModel.node]))
        let interface = try #require(node.interfaceIndex(KubeProxyNodeModel.podInterface))
        let target = targets[3]  // 4 endpoints
        var total = 0.0
        var destinations: Set<IPAddress> = []
        var bits: UInt64 = 0
        while bits < 16 {
            var fast = FastPacket(Packet(family: .ipv4, proto: target.proto, source: IPAddress("10.1.0.9")!,
                                         destination: target.address, sourcePort: 40000, destinationPort: target.port))
            var choices = BranchChoices(bits: bits)
            _ = node.forward(&fast, arrivingOn: interface, choices: &choices)
            if choices.count > 0 && bits >> UInt64(choices.count) == 0 {
                total += choices.probability
                destinations.insert(fast.destination.address(ipv6: false))
            }
            bits += 1
        }
        #expect(abs(total - 1) < 1e-6)
        #expect(destinations.count == 4)
    }

    @Test("a rule beyond the compiled subset is interpreted and counted")
    func fallback() throws {
        let set = Expression.lookup(Expression.Lookup(set: "s", source: Build.r1, destination: nil, flags: 0))
        let rules = [Build.rule("input", 1, [Build.loadDport(), set, Build.verdict(.drop)]),
                     Build.rule("input", 2, Build.tcpDport(81) + [Build.verdict(.drop)])]
        let server = Build.namespace("server", address: "10.0.0.2/24", rules: rules, chains: [Build.base("input", hook: .input)],
                                     listeners: Build.listeners(80, 81))
        let network = Build.pair(server: server)
        let evaluator = CompiledEvaluator(network: network)
        #expect(evaluator.program("server")?.interpretedRules == 1)
        #expect(evaluator.program("server")?.compiledRules == 1)
        let compiled = PathSimulator(network: network, evaluator: evaluator)
        let interpreted = PathSimulator(network: network)
        for port: UInt16 in [80, 81] {
            let request = TraceRequest(namespace: "client", proto: .tcp, destination: Build.ip("10.0.0.2"), destinationPort: port)
            #expect(DispatchEvaluatorTests.signature(try compiled.trace(request))
                    == DispatchEvaluatorTests.signature(try interpreted.trace(request)))
        }
    }
}
