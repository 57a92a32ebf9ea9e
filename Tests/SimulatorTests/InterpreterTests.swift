import NetCore
import NFTables
import Route
import Testing
@testable import Simulator

@Suite("interpreter semantics on hand-built rulesets")
struct InterpreterTests {
    typealias B = Build

    func server(chains: [Chain], rules: [Rule], sets: [NFTSet] = [], listeners: [UInt16] = [80]) -> NetworkModel {
        B.pair(server: B.namespace("server", address: "10.0.0.2/24", rules: rules, chains: chains, sets: sets,
                                   listeners: listeners.map { Listener(proto: .tcp, address: .unspecified(.ipv4), port: $0) }))
    }

    @Test("no rules: delivered to the listener, refused on a closed port")
    func noRules() throws {
        let network = server(chains: [], rules: [])
        let ok = try B.trace(network, port: 80)
        #expect(ok.outcome.kind == .ok)
        #expect(ok.outcome.deliveredTo == Delivery(namespace: "server", address: B.ip("10.0.0.2"), port: 80))
        #expect(try B.trace(network, port: 81).outcome.kind == .refused)
    }

    @Test("a drop rule times out and is the decisive rule; the policy is decisive when nothing matches")
    func dropAndPolicy() throws {
        let input = B.base("input", hook: .input, policy: .drop)
        let network = server(chains: [input], rules: [B.rule("input", 7, B.tcpDport(80) + [B.verdict(.accept)])])
        #expect(try B.trace(network, port: 80).outcome.kind == .ok)
        let dropped = try B.trace(network, port: 81)
        #expect(dropped.outcome.kind == .timeout)
        #expect(dropped.trace.decisiveRule?.handle == nil)
        #expect(dropped.trace.decisiveRule?.chain == "input")
        #expect(dropped.trace.verdict == .drop)
    }

    @Test("goto does not push a return point: a return after goto goes back to the base chain")
    func gotoAndReturn() throws {
        let input = B.base("input", hook: .input, policy: .drop)
        let rules = [B.rule("input", 1, [B.verdict(.jump, "a")]),
                     B.rule("input", 2, [B.verdict(.accept)]),
                     B.rule("a", 3, [B.verdict(.goto, "b")]),
                     B.rule("a", 4, [B.verdict(.drop)]),
                     B.rule("b", 5, [B.verdict(.return)])]
        let network = server(chains: [input, B.regular("a"), B.regular("b")], rules: rules)
        let result = try B.trace(network, port: 80)
        #expect(result.outcome.kind == .ok)
        #expect(result.trace.steps.contains { $0.effect == "goto b" })
    }

    @Test("accept ends only the current base chain; a later base chain on the hook still drops")
    func acceptEndsOnlyTheBaseChain() throws {
        let first = B.base("first", table: "a", hook: .input, priority: -10)
        let second = B.base("second", table: "b", hook: .input, priority: 10)
        let rules = [B.rule("first", 1, table: "a", [B.verdict(.accept)]),
                     B.rule("second", 2, table: "b", B.tcpDport(80) + [B.verdict(.drop)])]
        let result = try B.trace(server(chains: [first, second], rules: rules), port: 80)
        #expect(result.outcome.kind == .timeout)
        #expect(result.trace.decisiveRule?.table == "b")
    }

    @Test("a verdict map sends port 80 to drop, others fall through")
    func verdictMap() throws {
        let input = B.base("input", hook: .input)
        let map = NFTSet(family: .ip, table: "t", name: "ports", flags: [.map], keyLength: 2, dataType: 0xffff_ff00,
                         elements: [SetElement(key: B.be16(80), data: .verdict(Verdict(code: .drop)))])
        let rule = B.rule("input", 1, [B.loadDport(),
                                       .lookup(Expression.Lookup(set: "ports", source: B.r1, destination: .verdict, flags: 0))])
        let network = server(chains: [input], rules: [rule], sets: [map], listeners: [80, 81])
        #expect(try B.trace(network, port: 80).outcome.kind == .timeout)
        #expect(try B.trace(network, port: 81).outcome.kind == .ok)
    }

    @Test("interval sets: rbtree start/end elements and the end bound is exclusive")
    func intervalSet() throws {
        let set = NFTSet(family: .ip, table: "t", name: "range", flags: [.interval], keyLength: 2,
                         elements: [SetElement(key: B.be16(0)), SetElement(key: B.be16(1000), flags: 1),
                                    SetElement(key: B.be16(1000)), SetElement(key: B.be16(2001), flags: 1)])
        let matcher = SetMatcher(set: set)
        #expect(matcher.find(B.be16(1500))?.key == B.be16(1000))
        #expect(matcher.find(B.be16(2000)) != nil)
        #expect(matcher.find(B.be16(2001)) == nil)
        #expect(matcher.find(B.be16(999))?.key == B.be16(0))
    }

    @Test("concatenated range keys match field by field (address . port with key ends)")
    func concatenatedKeys() throws {
        let key = B.ip("10.0.0.0").networkBytes + B.be16(80) + [0, 0]
        let end = B.ip("10.0.0.255").networkBytes + B.be16(90) + [0, 0]
        let set = NFTSet(family: .ip, table: "t", name: "c", flags: [.interval, .concat], keyLength: 8,
                         concatFieldLengths: [4, 2], elements: [SetElement(key: key, keyEnd: end)])
        let matcher = SetMatcher(set: set)
        #expect(matcher.find(B.ip("10.0.0.7").networkBytes + B.be16(85) + [0, 0]) != nil)
        #expect(matcher.find(B.ip("10.0.1.7").networkBytes + B.be16(85) + [0, 0]) == nil)
        #expect(matcher.find(B.ip("10.0.0.7").networkBytes + B.be16(91) + [0, 0]) == nil)
    }

    @Test("numgen random mod 2 over a verdict map gives a mixed outcome at 50% each")
    func numgenBranches() throws {
        let input = B.base("input", hook: .input)
        let map = NFTSet(family: .ip, table: "t", name: "lb", flags: [.map], keyLength: 4, dataType: 0xffff_ff00,
                         elements: [SetElement(key: UInt32(0).hostBytes, data: .verdict(Verdict(code: .accept))),
                                    SetElement(key: UInt32(1).hostBytes, data: .verdict(Verdict(code: .drop)))])
        let rule = B.rule("input", 1, [B.decoded("numgen", [(1, 1), (2, 2), (3, 1)]),
                                       .lookup(Expression.Lookup(set: "lb", source: B.r1, destination: .verdict))])
        let result = try B.trace(server(chains: [input], rules: [rule], sets: [map]), port: 80)
        #expect(result.outcome.kind == .mixed)
        #expect(result.outcome.branches.count == 2)
        #expect(result.outcome.branches.map(\.probability) == [0.5, 0.5])
        #expect(Set(result.outcome.branches.map(\.trace.outcome.kind)) == [.ok, .timeout])
    }

    @Test("an expression the simulator does not know is explored both ways, with unknown probability")
    func unknownExpression() throws {
        let input = B.base("input", hook: .input)
        let rule = B.rule("input", 1, [.unknown(name: "future", raw: []), B.verdict(.drop)])
        let result = try B.trace(server(chains: [input], rules: [rule]), port: 80)
        #expect(result.outcome.kind == .mixed)
        #expect(result.outcome.branches.allSatisfy { $0.probability == nil })
        #expect(!result.warnings.isEmpty)
    }

    @Test("registers: a 2-byte load zeroes the rest of the word; bitwise masks; byteorder swaps")
    func registers() {
        var registers = Registers()
        registers.store(B.r1, [0xff, 0xff, 0xff, 0xff])
        registers.store(B.r1, [0x12, 0x34])
        #expect(registers.load(B.r1, length: 4) == [0x12, 0x34, 0, 0])
        registers.storeHost32(Register(rawValue: 9), 0x0102_0304)
        #expect(registers.load(Register(rawValue: 9), length: 4) == [4, 3, 2, 1])
        #expect(Registers.offset(Register(rawValue: 2)) == 16)
        #expect(Registers.offset(Register(rawValue: 8)) == 0)
        #expect(Registers.offset(.verdict) == nil)
    }
}

@Suite("fib and addrtype from the namespace's routing data")
struct FibTests {
    typealias B = Build

    /// `fib daddr type local` then `cmp eq 2` (RTN_LOCAL): the shape kube-proxy's nftables mode uses for node ports.
    func fibLocal(_ verdict: Verdict.Code) -> [Expression] {
        [.fib(Expression.Fib(destination: B.r1, result: 3, flags: 0x2)),
         .cmp(Expression.Cmp(source: B.r1, op: .eq, data: UInt32(2).hostBytes)),
         B.verdict(verdict)]
    }

    @Test("fib daddr type local matches the namespace's own address and not a forwarded one")
    func fibDestinationType() throws {
        let input = B.base("input", hook: .input)
        let server = B.namespace("server", address: "10.0.0.2/24", rules: [B.rule("input", 1, fibLocal(.drop))],
                                 chains: [input], listeners: B.listeners(80))
        #expect(try B.trace(B.pair(server: server), port: 80).outcome.kind == .timeout)
        let router = Router(model: server)
        #expect(router.addressType(B.ip("10.0.0.2"), interface: nil) == .local)
        #expect(router.addressType(B.ip("10.0.0.2"), interface: "lo") == .unicast)
        #expect(router.addressType(B.ip("10.0.0.2"), interface: "eth0") == .local)
        #expect(router.addressType(B.ip("8.8.8.8"), interface: nil) == .unreachable)
        #expect(router.addressType(B.ip("224.0.0.1"), interface: nil) == .multicast)
    }

    @Test("fib saddr . iif oif missing drops a packet whose source has no route back (rpfilter shape)")
    func fibReversePath() throws {
        let prerouting = B.base("pre", hook: .prerouting, priority: -150)
        let rule = B.rule("pre", 1, [.fib(Expression.Fib(destination: B.r1, result: 1, flags: 0x1 | 0x8)),
                                     .cmp(Expression.Cmp(source: B.r1, op: .eq, data: UInt32(0).hostBytes)),
                                     B.verdict(.drop)])
        // The server has no route back to 10.0.0.1 when its own subnet is /30 (10.0.0.0-3 includes .1 → route back
        // exists); with a /31 on .2-.3 it does not.
        var server = B.namespace("server", address: "10.0.0.2/24", rules: [rule], chains: [prerouting], listeners: B.listeners(80))
        #expect(try B.trace(B.pair(server: server), port: 80).outcome.kind == .ok)
        server.routes.routes[0].destination = B.prefix("10.0.0.2/31")
        server.routes.addresses[0].prefix = B.prefix("10.0.0.2/31")
        #expect(try B.trace(B.pair(server: server), port: 80).outcome.kind == .timeout)
    }
}
