import NetCore
import Netlink
import NFTables
import Route
@testable import Simulator

/// Hand-built namespaces and rules for tests that need no root.
enum Build {
    static func ip(_ text: String) -> IPAddress { IPAddress(text)! }
    static func prefix(_ text: String) -> IPPrefix { IPPrefix(text)! }

    /// A namespace with `lo` (1) and `eth0` (2) holding `address`, its subnet route, and optional extra routes.
    static func namespace(_ name: String, address: String, routes extra: [Route] = [], rules: [Rule] = [],
                          chains: [Chain] = [], sets: [NFTSet] = [], listeners: [Listener] = [],
                          forwarding: Bool = false, tables: [Table] = []) -> NamespaceModel {
        let links = [Link(index: 1, name: "lo", flags: [.up, .loopback]), Link(index: 2, name: "eth0", kind: .veth, flags: [.up])]
        let prefix = IPPrefix(address)!
        let addresses = [InterfaceAddress(interfaceIndex: 2, prefix: prefix)]
        let subnet = Route(family: .ipv4, table: .main, type: .unicast, protocol: .kernel, scope: .link,
                           destination: IPPrefix(address: prefix.network, length: prefix.length)!, outputInterface: 2)
        let ruleset = RulesetSnapshot(structure: RulesetStructure(tables: tables, chains: chains, sets: sets), rules: rules)
        var sysctls = NamespaceSysctls.defaults
        sysctls.ipv4Forwarding = forwarding
        return NamespaceModel(name: name, ruleset: ruleset,
                              routes: RouteSnapshot(links: links, addresses: addresses, routes: [subnet] + extra),
                              sysctls: sysctls, listeners: listeners)
    }

    static func base(_ name: String, table: String = "t", family: NFTFamily = .ip, hook: Hook, priority: Int32 = 0,
                     type: String = "filter", policy: Verdict.Code = .accept) -> Chain {
        Chain(family: family, table: table, name: name, kind: .base(BaseChain(hook: hook, priority: priority, type: type, policy: policy)))
    }

    static func regular(_ name: String, table: String = "t", family: NFTFamily = .ip) -> Chain {
        Chain(family: family, table: table, name: name)
    }

    static func rule(_ chain: String, _ handle: UInt64, table: String = "t", family: NFTFamily = .ip,
                     _ expressions: [Expression]) -> Rule {
        Rule(family: family, table: table, chain: chain, handle: handle, expressions: expressions)
    }

    static let r1 = Register(rawValue: 1)
    static let r2 = Register(rawValue: 2)

    static func verdict(_ code: Verdict.Code, _ chain: String? = nil) -> Expression {
        .immediate(Expression.Immediate(destination: .verdict, data: .verdict(Verdict(code: code, chain: chain))))
    }

    /// `tcp dport N` as nft emits it: `meta l4proto tcp`, then the port at transport offset 2.
    static func tcpDport(_ port: UInt16) -> [Expression] {
        [.meta(Expression.Meta(key: .l4proto, operation: .load(destination: r1))),
         .cmp(Expression.Cmp(source: r1, op: .eq, data: [6])),
         .payload(Expression.Payload(operation: .load(destination: r1), base: .transport, offset: 2, length: 2)),
         .cmp(Expression.Cmp(source: r1, op: .eq, data: [UInt8(port >> 8), UInt8(port & 0xff)]))]
    }

    static func loadDport(_ register: Register = r1) -> Expression {
        .payload(Expression.Payload(operation: .load(destination: register), base: .transport, offset: 2, length: 2))
    }

    static func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xff)] }

    /// An expression decoded from netlink attributes (for kinds whose structs have no public initialiser:
    /// nat, numgen). Attributes are big-endian u32 values.
    static func decoded(_ name: String, _ attributes: [(UInt16, UInt32)]) -> Expression {
        var data: [UInt8] = []
        for (type, value) in attributes {
            data += tlv(type, [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)])
        }
        let nameBytes = Array(name.utf8) + [0]
        let element = tlv(1, nameBytes) + tlv(2 | 0x8000, data)
        return try! Expression(decoding: NetlinkAttributes(element[...], path: "test"))
    }

    private static func tlv(_ type: UInt16, _ payload: [UInt8]) -> [UInt8] {
        let length = UInt16(4 + payload.count)
        var bytes = [UInt8(length & 0xff), UInt8(length >> 8), UInt8(type & 0xff), UInt8(type >> 8)] + payload
        while bytes.count % 4 != 0 { bytes.append(0) }
        return bytes
    }

    /// `dnat to ADDRESS:PORT` as nft emits it: two immediates and a nat expression.
    static func dnat(_ address: String, _ port: UInt16) -> [Expression] {
        [.immediate(Expression.Immediate(destination: r1, data: .value(ip(address).networkBytes))),
         .immediate(Expression.Immediate(destination: r2, data: .value(be16(port)))),
         decoded("nat", [(1, 1), (2, 2), (3, 1), (5, 2)])]
    }

    /// Two namespaces on a veth: `client` 10.0.0.1 and `server` 10.0.0.2 with TCP listeners.
    static func pair(client: NamespaceModel? = nil, server: NamespaceModel) -> NetworkModel {
        var network = NetworkModel([client ?? namespace("client", address: "10.0.0.1/24"), server])
        network.connectVeth("client", 2, "server", 2)
        return network
    }

    static func listeners(_ ports: UInt16...) -> [Listener] {
        ports.map { Listener(proto: .tcp, address: .unspecified(.ipv4), port: $0) }
    }

    static func trace(_ network: NetworkModel, to destination: String = "10.0.0.2", port: UInt16,
                      proto: TransportProtocol = .tcp) throws -> TraceResult {
        try PathSimulator(network: network).trace(TraceRequest(namespace: "client", proto: proto,
                                                               destination: ip(destination), destinationPort: port))
    }
}
