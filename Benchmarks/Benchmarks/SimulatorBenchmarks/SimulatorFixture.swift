import NetCore
import Simulator
import SimulatorCorpus
import Synchronization

/// A generated kube-proxy node of one size, compiled, with a pool of pod → ClusterIP packets.
final class SimulatorFixture: Sendable {
    let services: Int
    let network: NetworkModel
    let node: CompiledNode
    let interpreter: PathSimulator
    let interface: Int32
    let packets: [Packet]
    let fastPackets: [FastPacket]
    /// Where the next sample starts in the pool, so samples do not replay the same (cached) flows.
    private let cursor = Atomic<Int>(0)

    /// Flows in the pool: enough distinct services that the larger rulesets do not stay in cache.
    static let poolSize = 16_384

    init(services: Int) {
        self.services = services
        let (network, targets) = KubeProxyNodeModel.network(services: services)
        self.network = network
        node = CompiledNode(model: network.namespaces[KubeProxyNodeModel.node]!)
        interpreter = PathSimulator(network: network)
        interface = node.interfaceIndex(KubeProxyNodeModel.podInterface)!
        // New flows from pods on cni0 to services spread over the whole ruleset (SplitMix64, fixed seed).
        var state: UInt64 = 0x5eed
        func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
        packets = (0..<Self.poolSize).map { _ in
            let target = targets[Int(next() % UInt64(targets.count))]
            return Packet(family: .ipv4, proto: target.proto, source: .v4(0x0a01_0000 | UInt32(2 + next() % 240)),
                          destination: target.address, sourcePort: UInt16(32768 + next() % 28000), destinationPort: target.port)
        }
        fastPackets = packets.map(FastPacket.init)
    }

    /// One packet by the compiled hot path (the packet pool is reused; the copy is NATed in place).
    @inline(__always)
    func compiled(_ index: Int) -> ArrivalOutcome {
        var packet = fastPackets[index & (Self.poolSize - 1)]
        var choices = BranchChoices()
        return node.forward(&packet, arrivingOn: interface, choices: &choices)
    }

    /// One packet by the interpreter through the same hooks and routing.
    func interpreted(_ index: Int) -> ArrivalReference {
        interpreter.simulateArrival(packets[index & (Self.poolSize - 1)], namespace: KubeProxyNodeModel.node,
                                    interface: KubeProxyNodeModel.podInterface)
    }

    /// The pool position for a sample of `count` packets.
    func take(_ count: Int) -> Int { cursor.add(count, ordering: .relaxed).oldValue }

    private static let cache = Mutex<[Int: SimulatorFixture]>([:])

    /// The fixture of a size, built once per process (outside any measurement).
    static func of(_ services: Int) -> SimulatorFixture {
        if let fixture = cache.withLock({ $0[services] }) { return fixture }
        let fixture = SimulatorFixture(services: services)
        cache.withLock { $0[services] = fixture }
        return fixture
    }
}
