import NetCore
import NFTables
import Route
import Testing
@testable import Simulator

@Suite("paths, NAT and routing on hand-built namespaces")
struct PathTests {
    typealias B = Build

    @Test("once a nat chain maps the flow, later nat chains at the hook are skipped")
    func natChainsSkippedAfterMapping() throws {
        let early = B.base("early", table: "a", hook: .prerouting, priority: -100, type: "nat")
        let late = B.base("late", table: "b", hook: .prerouting, priority: -90, type: "nat")
        let rules = [B.rule("early", 1, table: "a", B.tcpDport(8000) + B.dnat("10.0.0.2", 80)),
                     B.rule("late", 2, table: "b", B.tcpDport(80) + B.dnat("10.0.0.2", 81))]
        let network = B.pair(server: B.namespace("server", address: "10.0.0.2/24", rules: rules, chains: [early, late],
                                                 listeners: B.listeners(80)))
        let result = try B.trace(network, port: 8000)
        #expect(result.outcome.kind == .ok)
        #expect(result.outcome.deliveredTo?.port == 80)
    }

    @Test("nat chains at the same priority: each order is an alternative, and they disagree")
    func equalPriorityIsAmbiguous() throws {
        let one = B.base("one", table: "a", hook: .prerouting, priority: -100, type: "nat")
        let two = B.base("two", table: "b", hook: .prerouting, priority: -100, type: "nat")
        let rules = [B.rule("one", 1, table: "a", B.tcpDport(8000) + B.dnat("10.0.0.2", 80)),
                     B.rule("two", 2, table: "b", B.tcpDport(8000) + B.dnat("10.0.0.2", 81))]
        let network = B.pair(server: B.namespace("server", address: "10.0.0.2/24", rules: rules, chains: [one, two],
                                                 listeners: B.listeners(80)))
        let result = try B.trace(network, port: 8000)
        #expect(result.outcome.kind == .ambiguous)
        #expect(Set(result.outcome.alternatives.map(\.outcome.kind)) == [.ok, .refused])
    }

    @Test("filter chains at the same priority that agree give one outcome")
    func equalPriorityAgreeing() throws {
        let one = B.base("one", table: "a", hook: .input)
        let two = B.base("two", table: "b", hook: .input)
        let rules = [B.rule("one", 1, table: "a", [B.verdict(.accept)]),
                     B.rule("two", 2, table: "b", B.tcpDport(80) + [B.verdict(.drop)])]
        let network = B.pair(server: B.namespace("server", address: "10.0.0.2/24", rules: rules, chains: [one, two],
                                                 listeners: B.listeners(80)))
        #expect(try B.trace(network, port: 80).outcome.kind == .timeout)
    }

    /// client 10.0.1.1 — router (10.0.1.254 | 10.0.0.254) — server 10.0.0.2.
    func routed(forwarding: Bool = true, routerRules: [Rule] = [], routerChains: [Chain] = [],
                rpFilter: Int = 0, policy: [PolicyRule] = [], extraRoutes: [Route] = []) -> NetworkModel {
        let client = B.namespace("client", address: "10.0.1.1/24", routes: [
            Route(family: .ipv4, destination: B.prefix("0.0.0.0/0"), gateway: B.ip("10.0.1.254"), outputInterface: 2)])
        var server = B.namespace("server", address: "10.0.0.2/24", routes: [
            Route(family: .ipv4, destination: B.prefix("0.0.0.0/0"), gateway: B.ip("10.0.0.254"), outputInterface: 2)],
            listeners: B.listeners(80))
        server.routes.routes[0].outputInterface = 2
        var router = B.namespace("router", address: "10.0.1.254/24", routes: extraRoutes, rules: routerRules,
                                 chains: routerChains, forwarding: forwarding)
        router.routes.links.append(Link(index: 3, name: "eth1", kind: .veth, flags: [.up]))
        router.routes.addresses.append(InterfaceAddress(interfaceIndex: 3, prefix: B.prefix("10.0.0.254/24")))
        router.routes.routes.append(Route(family: .ipv4, destination: B.prefix("10.0.0.0/24"), outputInterface: 3))
        router.routes.rules = policy
        router.sysctls.reversePathFilter = InterfaceSysctl(all: rpFilter, default: rpFilter)
        var network = NetworkModel([client, server, router])
        network.connectVeth("client", 2, "router", 2)
        network.connectVeth("router", 3, "server", 2)
        return network
    }

    @Test("forwarding: on delivers, off drops without an ICMP error")
    func forwarding() throws {
        #expect(try B.trace(routed(), port: 80).outcome.kind == .ok)
        let off = try B.trace(routed(forwarding: false), port: 80)
        #expect(off.outcome.kind == .timeout)
        #expect(off.trace.verdict == .routing)
    }

    @Test("no route in the router: ICMP unreachable back to the sender")
    func unreachable() throws {
        let result = try B.trace(routed(), to: "10.9.9.9", port: 80)
        #expect(result.outcome.kind == .unreachable)
    }

    @Test("policy routing: a fwmark rule picks a table whose route blackholes")
    func policyRouting() throws {
        let mark = B.base("mark", hook: .prerouting, priority: -150, type: "filter")
        let setMark: [Expression] = [.immediate(Expression.Immediate(destination: B.r1, data: .value(UInt32(7).hostBytes))),
                                     .meta(Expression.Meta(key: .mark, operation: .set(source: B.r1)))]
        let rules = [B.rule("mark", 1, setMark)]
        let policy = [PolicyRule(family: .ipv4, priority: 0, table: .local),
                      PolicyRule(family: .ipv4, priority: 100, table: RouteTable(rawValue: 100), fwmark: 7),
                      PolicyRule(family: .ipv4, priority: 32766, table: .main)]
        let blackhole = Route(family: .ipv4, table: RouteTable(rawValue: 100), type: .blackhole, destination: B.prefix("0.0.0.0/0"))
        let network = routed(routerRules: rules, routerChains: [mark], policy: policy, extraRoutes: [blackhole])
        let result = try B.trace(network, port: 80)
        #expect(result.outcome.kind == .timeout)
        #expect(result.outcome.reason.contains("blackhole"))
    }

    @Test("longest prefix wins, then the lowest metric")
    func longestPrefix() {
        let model = B.namespace("n", address: "10.0.0.1/24", routes: [
            Route(family: .ipv4, destination: B.prefix("10.1.0.0/16"), gateway: B.ip("10.0.0.5"), outputInterface: 2, priority: 10),
            Route(family: .ipv4, destination: B.prefix("10.1.0.0/16"), gateway: B.ip("10.0.0.6"), outputInterface: 2, priority: 5),
            Route(family: .ipv4, destination: B.prefix("10.1.2.0/24"), gateway: B.ip("10.0.0.7"), outputInterface: 2, priority: 50)])
        let router = Router(model: model)
        #expect(router.lookup(B.ip("10.1.2.3"), source: nil, inputInterface: nil, mark: 0).gateway == B.ip("10.0.0.7"))
        #expect(router.lookup(B.ip("10.1.9.3"), source: nil, inputInterface: nil, mark: 0).gateway == B.ip("10.0.0.6"))
        #expect(router.lookup(B.ip("10.0.0.1"), source: nil, inputInterface: nil, mark: 0).type == .local)
        #expect(router.addressType(B.ip("10.0.0.1"), interface: nil) == .local)
        #expect(router.addressType(B.ip("10.0.0.9"), interface: nil) == .unicast)
    }

    @Test("strict rp_filter drops a packet whose way back leaves through another interface")
    func reversePathFilter() throws {
        // The router's route back to the client's subnet points at eth1, not where the client is.
        let wrongWayBack = Route(family: .ipv4, destination: B.prefix("10.0.1.0/25"), outputInterface: 3)
        let strict = try B.trace(routed(rpFilter: 1, extraRoutes: [wrongWayBack]), port: 80)
        #expect(strict.outcome.kind == .timeout)
        #expect(strict.outcome.reason.contains("rp_filter"))
        // Loose mode only wants some route back: the packet passes (and its answer then loops, a separate matter).
        #expect(try !B.trace(routed(rpFilter: 2, extraRoutes: [wrongWayBack]), port: 80).outcome.reason.contains("rp_filter"))
    }

    @Test("the way back: a forward chain that accepts only new SYNs to the server loses the SYN-ACK")
    func wayBack() throws {
        let forward = B.base("forward", hook: .forward, policy: .drop)
        let iif: [Expression] = [.meta(Expression.Meta(key: .iifname, operation: .load(destination: B.r1))),
                                 .cmp(Expression.Cmp(source: B.r1, op: .eq, data: Array("eth0".utf8) + [UInt8](repeating: 0, count: 12)))]
        let network = routed(routerRules: [B.rule("forward", 1, iif + [B.verdict(.accept)])], routerChains: [forward])
        let result = try B.trace(network, port: 80)
        #expect(result.outcome.kind == .timeout)
        #expect(result.outcome.reason.contains("answer"))
    }

    @Test("masquerade in the router: the server sees the router's address, the answer is un-NATed")
    func masquerade() throws {
        let post = B.base("post", hook: .postrouting, priority: 100, type: "nat")
        let masq = B.decoded("masq", [])
        let network = routed(routerRules: [B.rule("post", 1, [masq])], routerChains: [post])
        let result = try B.trace(network, port: 80)
        #expect(result.outcome.kind == .ok)
        #expect(result.trace.steps.contains { $0.effect.contains("masquerade") && $0.effect.contains("10.0.0.254") },
                "\(result.trace.steps.map(\.effect))")
    }
}
