import Legacy
import NetCore
import NFScope
import NFTables
import Route
import Simulator
import Testing

/// iptables-legacy rules converted for the simulator (no root): the standard `ipt_ip` part with masks,
/// interface wildcards and inversions, jumps into user chains, and references by position.
@Suite("iptables-legacy rules in the simulator")
struct LegacySimulationTests {
    static func ip(_ text: String) -> IPAddress { IPAddress(text)! }

    /// `-i NAME` as iptables stores it: the name, and a mask over its bytes plus the NUL (only the name's
    /// bytes for a `+` wildcard).
    static func interface(_ text: String) -> (String, [UInt8]) {
        let wildcard = text.hasSuffix("+")
        let name = wildcard ? String(text.dropLast()) : text
        let count = name.utf8.count + (wildcard ? 0 : 1)
        return (name, [UInt8](repeating: 0xff, count: count) + [UInt8](repeating: 0, count: 16 - count))
    }

    static func header(source: String = "0.0.0.0", sourceMask: String = "0.0.0.0", destination: String = "0.0.0.0",
                       destinationMask: String = "0.0.0.0", input: String? = nil, proto: UInt16 = 0,
                       fragment: Bool = false, invert: UInt8 = 0) -> LegacyIPHeader {
        let (inName, inMask) = input.map(interface) ?? ("", [UInt8](repeating: 0, count: 16))
        return LegacyIPHeader(family: .ipv4, source: ip(source), sourceMask: ip(sourceMask), destination: ip(destination),
                              destinationMask: ip(destinationMask), inInterface: inName, inInterfaceMask: inMask,
                              outInterface: "", outInterfaceMask: [UInt8](repeating: 0, count: 16),
                              protocolNumber: proto, flags: fragment ? 0x01 : 0, invertFlags: invert)
    }

    static func rule(_ chain: String, _ position: Int, _ header: LegacyIPHeader, _ target: LegacyTarget) -> LegacyRule {
        LegacyRule(table: "filter", chain: chain, position: position, offset: 0, header: header, matches: [],
                   target: target, counters: LegacyCounters(packets: 0, bytes: 0))
    }

    /// client 10.0.0.1 — server 10.0.0.2 (listening on 80) whose legacy filter INPUT has `rules` (and a
    /// user chain USER with `user`).
    static func trace(input rules: [LegacyRule], user: [LegacyRule] = []) throws -> TraceResult {
        let counters = LegacyCounters(packets: 0, bytes: 0)
        let table = LegacyTable(name: "filter", family: .ipv4, chains: [
            LegacyChain(name: "INPUT", kind: .builtin(hook: .input, policy: .accept, counters: counters), rules: rules, offset: 0),
            LegacyChain(name: "USER", kind: .user, rules: user, offset: 0),
        ], entryCount: 0, blobSize: 0)
        func namespace(_ name: String, _ address: String, listening: Bool) -> NamespaceModel {
            let prefix = IPPrefix(address)!
            let links = [Link(index: 1, name: "lo", flags: [.up, .loopback]), Link(index: 2, name: "eth0", kind: .veth, flags: [.up])]
            let subnet = Route(family: .ipv4, table: .main, type: .unicast, protocol: .kernel, scope: .link,
                               destination: IPPrefix(address: prefix.network, length: prefix.length)!, outputInterface: 2)
            return NamespaceModel(name: name, routes: RouteSnapshot(links: links, addresses: [InterfaceAddress(interfaceIndex: 2, prefix: prefix)],
                                                                 routes: [subnet]),
                                  listeners: listening ? [Listener(proto: .tcp, address: .unspecified(.ipv4), port: 80)] : [])
        }
        var server = namespace("server", "10.0.0.2/24", listening: true)
        server.legacy = LegacyRuleset([table])
        var network = NetworkModel([namespace("client", "10.0.0.1/24", listening: false), server])
        network.connectVeth("client", 2, "server", 2)
        return try PathSimulator(network: network).trace(TraceRequest(namespace: "client", proto: .tcp,
                                                                     destination: ip("10.0.0.2"), destinationPort: 80))
    }

    @Test("masked source, exact and wildcard interfaces, protocol and a jump: the drop in the user chain decides, by position")
    func matchAndJump() throws {
        let jump = Self.rule("INPUT", 1, Self.header(source: "10.0.0.0", sourceMask: "255.255.255.0", input: "eth+", proto: 6),
                             .jump(chain: "USER", goto: false))
        let drop = Self.rule("USER", 1, Self.header(destination: "10.0.0.2", destinationMask: "255.255.255.255", input: "eth0"),
                             .verdict(.drop))
        let result = try Self.trace(input: [jump], user: [drop])
        #expect(result.outcome.kind == .timeout, "\(result.outcome.reason)")
        let decisive = try #require(result.trace.decisiveRule)
        #expect(decisive.backend == "iptables-legacy")
        #expect(decisive.table == "filter" && decisive.chain == "USER" && decisive.handle == 1)
        #expect(result.outcome.reason.contains("rule 1 of iptables-legacy ip filter USER"), "\(result.outcome.reason)")
        #expect(result.trace.steps.contains { $0.rule?.backend == "iptables-legacy" && $0.effect == "jump USER" })
    }

    @Test("each non-matching standard field keeps the packet: other subnet, other interface, other protocol, inversions, -f")
    func nonMatching() throws {
        let cases: [LegacyIPHeader] = [
            Self.header(source: "10.0.1.0", sourceMask: "255.255.255.0"),
            Self.header(input: "eth9"),
            Self.header(input: "veth+"),
            Self.header(proto: 17),
            Self.header(source: "10.0.0.0", sourceMask: "255.255.255.0", invert: LegacyIPHeader.invertSource),
            Self.header(input: "eth0", invert: LegacyIPHeader.invertIn),
            Self.header(proto: 6, invert: LegacyIPHeader.invertProtocol),
            Self.header(fragment: true),
        ]
        for header in cases {
            let result = try Self.trace(input: [Self.rule("INPUT", 1, header, .verdict(.drop))])
            #expect(result.outcome.kind == .ok, "\(header.iptablesArguments): \(result.outcome.reason)")
        }
        // And their matching twins drop.
        let matching: [LegacyIPHeader] = [
            Self.header(source: "10.0.1.0", sourceMask: "255.255.255.0", invert: LegacyIPHeader.invertSource),
            Self.header(input: "eth9", invert: LegacyIPHeader.invertIn),
            Self.header(proto: 17, invert: LegacyIPHeader.invertProtocol),
            Self.header(fragment: true, invert: LegacyIPHeader.invertFragment),
        ]
        for header in matching {
            let result = try Self.trace(input: [Self.rule("INPUT", 1, header, .verdict(.drop))])
            #expect(result.outcome.kind == .timeout, "\(header.iptablesArguments): \(result.outcome.reason)")
        }
    }
}
