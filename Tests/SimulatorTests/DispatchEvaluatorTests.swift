import NetCore
import NFTables
import Route
import Testing
@testable import Simulator
import NetlinkTesting

/// The dispatch evaluator against the reference interpreter: same outcomes, decisive rules and steps on
/// random packets over generated kube-proxy-shaped rulesets with residue rules mixed in.
@Suite("dispatch evaluator equals the interpreter")
struct DispatchEvaluatorTests {
    typealias B = Build

    static func serviceAddress(_ i: Int) -> IPAddress { .v4(0x0a60_0000 | UInt32(i + 1)) }  // 10.96.x.y

    /// `ip daddr A meta l4proto P th dport N` then the given statements.
    static func keyed(_ address: IPAddress, _ proto: UInt8, _ port: UInt16, _ tail: [Expression]) -> [Expression] {
        [.payload(Expression.Payload(operation: .load(destination: B.r1), base: .network, offset: 16, length: 4)),
         .cmp(Expression.Cmp(source: B.r1, op: .eq, data: address.networkBytes)),
         .meta(Expression.Meta(key: .l4proto, operation: .load(destination: B.r1))),
         .cmp(Expression.Cmp(source: B.r1, op: .eq, data: [proto])),
         .counter(Expression.Counter(packets: 0, bytes: 0)),
         B.loadDport(),
         .cmp(Expression.Cmp(source: B.r1, op: .eq, data: B.be16(port)))] + tail
    }

    /// A server namespace with a nat KUBE-SERVICES chain of `count` services (some sharing a key, some
    /// residue rules: port-only matches, address ranges, drops) and a filter input chain.
    static func network(services count: Int, seed: UInt64) -> (NetworkModel, [(IPAddress, UInt16, TransportProtocol)]) {
        var random = SeededGenerator(seed: seed)
        var rules: [Rule] = []
        var chains = [B.base("KUBE-SERVICES", hook: .prerouting, priority: -100, type: "nat"),
                      B.base("input", hook: .input)]
        var targets: [(IPAddress, UInt16, TransportProtocol)] = []
        var handle: UInt64 = 1
        func add(_ chain: String, _ expressions: [Expression]) {
            rules.append(B.rule(chain, handle, expressions))
            handle += 1
        }
        for i in 0..<count {
            let address = serviceAddress(Int.random(in: 0..<max(1, count / 2), using: &random))
            let port = UInt16.random(in: 1...3, using: &random) * 1000
            let proto: TransportProtocol = Bool.random(using: &random) ? .tcp : .udp
            targets.append((address, port, proto))
            let svc = "SVC-\(i)"
            chains.append(B.regular(svc))
            add("KUBE-SERVICES", keyed(address, proto.number(in: .ipv4), port, [B.verdict(.jump, svc)]))
            let backendPort = UInt16.random(in: 80...82, using: &random)
            if Bool.random(using: &random) {
                add(svc, B.dnat("10.0.0.2", backendPort))
            }  // else an empty service chain: returns, and later rules may still match
            switch Int.random(in: 0..<8, using: &random) {
            case 0: add("KUBE-SERVICES", B.tcpDport(port) + [B.verdict(.drop)])
            case 1:
                let range = Expression.Range(source: B.r1, op: .eq, from: serviceAddress(0).networkBytes,
                                             to: serviceAddress(count / 4).networkBytes)
                add("KUBE-SERVICES", [.payload(Expression.Payload(operation: .load(destination: B.r1), base: .network,
                                                                   offset: 16, length: 4)), .range(range), B.verdict(.return)])
            case 2: add("input", keyed(B.ip("10.0.0.2"), 6, backendPort, [B.verdict(.drop)]))
            default: break
            }
        }
        let server = B.namespace("server", address: "10.0.0.2/24", rules: rules, chains: chains, listeners: B.listeners(80, 81))
        let client = B.namespace("client", address: "10.0.0.1/24", routes: [
            Route(family: .ipv4, destination: B.prefix("0.0.0.0/0"), gateway: B.ip("10.0.0.2"), outputInterface: 2)])
        return (B.pair(client: client, server: server), targets)
    }

    static func packets(_ targets: [(IPAddress, UInt16, TransportProtocol)], count: Int, seed: UInt64) -> [TraceRequest] {
        var random = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            if Int.random(in: 0..<4, using: &random) > 0, let target = targets.randomElement(using: &random) {
                return TraceRequest(namespace: "client", proto: target.2, destination: target.0, destinationPort: target.1)
            }
            return TraceRequest(namespace: "client", proto: Bool.random(using: &random) ? .tcp : .udp,
                                destination: serviceAddress(Int.random(in: 0..<200, using: &random)),
                                destinationPort: UInt16.random(in: 1...4, using: &random) * 1000)
        }
    }

    static func signature(_ result: TraceResult) -> String {
        let trace = result.trace
        let steps = trace.steps.map { "\($0.namespace)|\($0.hook)|\($0.rule.map { "\($0.chain)#\($0.handle ?? 0)" } ?? "")|\($0.effect)" }
        return "\(result.outcome.kind) \(result.outcome.deliveredTo.map { "\($0)" } ?? "") \(result.runs) "
            + "\(trace.decisiveRule.map { "\($0.chain)#\($0.handle ?? 0)" } ?? "-") \(steps.joined(separator: ";"))"
    }

    @Test("same results on random packets", arguments: [(20, UInt64(1)), (200, 2), (1000, 3)])
    func sameResults(services: Int, seed: UInt64) throws {
        let (network, targets) = Self.network(services: services, seed: seed)
        let interpreted = PathSimulator(network: network)
        let dispatch = DispatchEvaluator(network: network)
        #expect(dispatch.indexedRules > 0)
        let compiled = PathSimulator(network: network, evaluator: dispatch)
        var kinds: Set<Outcome.Kind> = []
        for request in Self.packets(targets, count: 300, seed: seed &+ 100) {
            let expected = try interpreted.trace(request)
            let actual = try compiled.trace(request)
            kinds.insert(expected.outcome.kind)
            #expect(Self.signature(actual) == Self.signature(expected), "\(request)")
        }
        // The generated cases must exercise more than one ending, or the comparison proves little.
        #expect(kinds.count >= 3, "\(kinds)")
    }

    @Test("the key of a kube-proxy-shaped rule; residue for other shapes")
    func keys() {
        let keyed = B.rule("c", 1, Self.keyed(B.ip("10.96.0.1"), 6, 80, [B.verdict(.accept)]))
        #expect(ChainDispatch.key(of: keyed) == DispatchKey(destination: [10, 96, 0, 1], proto: 6, port: [0, 80]))
        #expect(ChainDispatch.key(of: B.rule("c", 2, B.tcpDport(80) + [B.verdict(.drop)])) == nil)
        // A statement before the matches ends the guard: the rule must always run.
        let marked = B.rule("c", 3, [.meta(Expression.Meta(key: .mark, operation: .set(source: B.r1)))]
                            + Self.keyed(B.ip("10.96.0.1"), 6, 80, []))
        #expect(ChainDispatch.key(of: marked) == nil)
    }

    @Test("measured: dispatch against interpretation on a 5,000-service chain")
    func measured() throws {
        let (network, targets) = Self.network(services: 5000, seed: 9)
        let requests = Self.packets(targets, count: 40, seed: 10)
        let interpreted = PathSimulator(network: network)
        let compiled = PathSimulator(network: network, evaluator: DispatchEvaluator(network: network))
        let clock = ContinuousClock()
        let slow = try clock.measure { for request in requests { _ = try interpreted.trace(request) } }
        let fast = try clock.measure { for request in requests { _ = try compiled.trace(request) } }
        print("dispatch evaluator: \(requests.count) traces, interpreter \(slow), dispatch \(fast)")
        #expect(fast < slow)
    }
}
