import NetCore
import NFTables
import Xtables

/// A first compiled evaluator: each chain's rules are indexed by their leading exact matches on
/// (destination address, layer-4 protocol, destination port), the shape of kube-proxy's KUBE-SERVICES
/// rules, so a packet walks only the rules of its own key plus the residue of rules without that shape,
/// in their original order. Each selected rule still runs through the reference interpreter, so results
/// are the interpreter's by construction; property tests check it on random packets and rulesets.
///
/// It is not yet the allocation-free matcher the issue asks for: it removes the linear scan, not the
/// per-rule interpretation.
public struct DispatchEvaluator: ChainEvaluator {
    private let interpreter = Interpreter()
    private let chains: [String: [RulesetIndex.ChainKey: ChainDispatch]]

    /// Compiles every chain of every namespace whose rules are in its snapshot (lazily read rules are
    /// interpreted linearly).
    public init(network: NetworkModel) {
        chains = network.namespaces.mapValues { model in
            let grouped = Dictionary(grouping: model.ruleset.rules) {
                RulesetIndex.ChainKey(family: $0.family, table: $0.table, chain: $0.chain)
            }
            return grouped.mapValues(ChainDispatch.init)
        }
    }

    public func run(_ chain: Chain, packet: inout Packet, context: HookContext) -> ChainResult {
        let compiled = chains[context.namespace.name]
        return interpreter.run(chain, packet: &packet, context: context) { chain, packet in
            let key = RulesetIndex.ChainKey(family: chain.family, table: chain.table, chain: chain.name)
            guard let dispatch = compiled?[key] else {
                return context.index.rules(family: chain.family, table: chain.table, chain: chain.name)
            }
            return dispatch.candidates(for: packet)
        }
    }

    /// How many rules of all chains were indexed by key (the rest are residue), for measurements.
    public var indexedRules: Int { chains.values.reduce(0) { $0 + $1.values.reduce(0) { $0 + $1.indexedCount } } }
}

/// The exact (address, protocol, port) a rule's leading expressions require.
typealias DispatchKey = RuleKey

/// The exact (destination address, layer-4 protocol, destination port) that a rule's leading expressions
/// require before anything with an effect (kube-proxy's KUBE-SERVICES shape); a packet with another key
/// cannot match the rule, and skipping the rule changes nothing.
public struct RuleKey: Hashable, Sendable {
    /// The address in network order (4 or 16 bytes).
    public var destination: [UInt8]
    public var proto: UInt8
    /// The port in network order (2 bytes).
    public var port: [UInt8]

    public init(destination: [UInt8], proto: UInt8, port: [UInt8]) {
        self.destination = destination
        self.proto = proto
        self.port = port
    }

    /// The key of a decoded rule; nil when its leading expressions do not pin all three fields.
    public init?(rule: Rule) {
        guard let key = ChainDispatch.key(of: rule) else { return nil }
        self = key
    }

    /// The key a packet has.
    public init(packet: Packet) {
        self.init(destination: packet.destination.networkBytes, proto: packet.proto.number(in: packet.family),
                  port: packet.destinationPort.bigEndianBytes)
    }
}

/// One chain's rules split into a hash table by key and a residue, both keeping rule positions.
struct ChainDispatch {
    let rules: [Rule]
    let byKey: [DispatchKey: [Int]]
    let residue: [Int]

    init(_ rules: [Rule]) {
        self.rules = rules
        var byKey: [DispatchKey: [Int]] = [:]
        var residue: [Int] = []
        for (index, rule) in rules.enumerated() {
            if let key = ChainDispatch.key(of: rule) { byKey[key, default: []].append(index) } else { residue.append(index) }
        }
        self.byKey = byKey
        self.residue = residue
    }

    var indexedCount: Int { rules.count - residue.count }

    /// The rules of the packet's key merged with the residue, in rule order.
    func candidates(for packet: Packet) -> [Rule] {
        let key = RuleKey(packet: packet)
        let keyed = byKey[key] ?? []
        var result: [Rule] = []
        result.reserveCapacity(keyed.count + residue.count)
        var i = 0, j = 0
        while i < keyed.count || j < residue.count {
            if j >= residue.count || (i < keyed.count && keyed[i] < residue[j]) {
                result.append(rules[keyed[i]]); i += 1
            } else {
                result.append(rules[residue[j]]); j += 1
            }
        }
        return result
    }

    /// The key of a rule whose expressions start with exact matches on all three fields (in any order,
    /// with comments and counters between them), before any expression with an effect; nil otherwise.
    static func key(of rule: Rule) -> DispatchKey? {
        let family = rule.family
        guard family == .ip || family == .ip6 else { return nil }
        let addressOffset: UInt32 = family == .ip ? 16 : 24, addressLength: UInt32 = family == .ip ? 4 : 16
        var destination: [UInt8]?, proto: UInt8?, port: [UInt8]?
        var loaded: [UInt32: String] = [:]  // register → field
        for expression in rule.expressions {
            switch expression {
            case .payload(let p):
                guard case .load(let register) = p.operation else { return nil }
                if p.base == .network, p.offset == addressOffset, p.length == addressLength {
                    loaded[register.rawValue] = "daddr"
                } else if p.base == .transport, p.offset == 2, p.length == 2 {
                    loaded[register.rawValue] = "dport"
                } else {
                    return finish(destination, proto, port)
                }
            case .meta(let m):
                guard case .load(let register) = m.operation, m.key == .l4proto else { return finish(destination, proto, port) }
                loaded[register.rawValue] = "l4proto"
            case .cmp(let c):
                guard c.op == .eq, let field = loaded[c.source.rawValue] else { return finish(destination, proto, port) }
                switch field {
                case "daddr" where c.data.count == Int(addressLength): destination = c.data
                case "dport" where c.data.count == 2: port = c.data
                case "l4proto" where c.data.count == 1: proto = c.data[0]
                default: return finish(destination, proto, port)
                }
                loaded[c.source.rawValue] = nil
            case .counter:
                continue
            case .match(let m) where m.name == "comment":
                // Only a comment that decodes: an undecodable one would be explored both ways when run.
                let ext = XtExtension(name: m.name, revision: m.revision, info: m.info)
                guard case .comment = try? XtMatch.decode(ext, family: family == .ip ? .ipv4 : .ipv6) else {
                    return finish(destination, proto, port)
                }
            default:
                return finish(destination, proto, port)
            }
        }
        return finish(destination, proto, port)
    }

    private static func finish(_ destination: [UInt8]?, _ proto: UInt8?, _ port: [UInt8]?) -> DispatchKey? {
        guard let destination, let proto, let port else { return nil }
        return DispatchKey(destination: destination, proto: proto, port: port)
    }
}
