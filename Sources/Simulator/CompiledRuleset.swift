import NetCore
import NFTables

/// A namespace's nf_tables ruleset compiled for the hot path: every chain's rules as flat op ranges, each
/// chain's rules indexed by the values of their leading exact tests (hash dispatch on kube-proxy's
/// (destination, protocol, port); one class per prefix length of address matches, a tuple space), and
/// the rest kept as an ordered residue. Candidates are merged in rule order, so first-match order holds.
public final class CompiledRuleset: Sendable {
    let chains: [CompiledChain]
    let ops: [CompiledOp]
    let labels: [String]
    let sourceRules: [Rule]
    let chainIDs: [RulesetIndex.ChainKey: Int32]
    let routes: CompiledRoutes
    /// Rules lowered to ops.
    public let compiledRules: Int
    /// Rules beyond the compiled subset, run by the interpreter when reached.
    public let interpretedRules: Int
    /// Rules reachable through a dispatch class rather than the residue.
    public let indexedRules: Int

    /// The most dispatch classes a chain keeps (the largest); the rest of its rules join the residue.
    static let maxClasses = 8
    /// A class smaller than this is not worth a hash lookup: its rules join the residue.
    static let minClassSize = 4

    init(_ snapshot: RulesetSnapshot, routes: CompiledRoutes) {
        self.routes = routes
        var chainIDs: [RulesetIndex.ChainKey: Int32] = [:]
        for chain in snapshot.structure.chains {
            let key = RulesetIndex.ChainKey(family: chain.family, table: chain.table, chain: chain.name)
            if chainIDs[key] == nil { chainIDs[key] = Int32(chainIDs.count) }
        }
        self.chainIDs = chainIDs
        var rulesByChain: [RulesetIndex.ChainKey: [Int32]] = [:]
        for (position, rule) in snapshot.rules.enumerated() {
            rulesByChain[RulesetIndex.ChainKey(family: rule.family, table: rule.table, chain: rule.chain), default: []]
                .append(Int32(position))
        }
        var lowering = RuleLowering(chainIDs: chainIDs, addressTypes: routes.isExact)
        var ops: [CompiledOp] = []
        var chains: [CompiledChain?] = Array(repeating: nil, count: chainIDs.count)
        var compiled = 0, interpreted = 0, indexed = 0
        for chain in snapshot.structure.chains {
            let key = RulesetIndex.ChainKey(family: chain.family, table: chain.table, chain: chain.name)
            guard let id = chainIDs[key], chains[Int(id)] == nil else { continue }
            let ids = rulesByChain[key] ?? []
            var rules: [CompiledRule] = []
            var signatures: [[MaskedWindow]: [(Int32, Wide)]] = [:]
            for (position, ruleID) in ids.enumerated() {
                let rule = snapshot.rules[Int(ruleID)]
                guard let (ruleOps, action) = lowering.lower(rule) else {
                    rules.append(CompiledRule(opStart: 0, opEnd: 0, action: .fallThrough, interpreted: true))
                    interpreted += 1
                    continue
                }
                compiled += 1
                let start = Int32(ops.count)
                ops += ruleOps
                rules.append(CompiledRule(opStart: start, opEnd: Int32(ops.count), action: action, interpreted: false))
                if let (signature, value) = Self.signature(ruleOps) {
                    signatures[signature, default: []].append((Int32(position), value))
                }
            }
            let kept = signatures.filter { $0.value.count >= Self.minClassSize }
                .sorted { $0.value.count != $1.value.count ? $0.value.count > $1.value.count : $0.value[0].0 < $1.value[0].0 }
                .prefix(Self.maxClasses)
            var classes: [DispatchClass] = []
            var lists: [Int32] = []
            var inClass = Set<Int32>()
            for (signature, members) in kept {
                var grouped: [Wide: [Int32]] = [:]
                for (position, value) in members { grouped[value, default: []].append(position) }
                var table: [Wide: Range<Int32>] = [:]
                for (value, positions) in grouped {
                    let start = Int32(lists.count)
                    lists += positions
                    table[value] = start..<Int32(lists.count)
                }
                for (position, _) in members { inClass.insert(position) }
                classes.append(DispatchClass(windows: signature, table: table))
            }
            indexed += inClass.count
            let residue: [Int32]? = classes.isEmpty ? nil : (0..<Int32(rules.count)).filter { !inClass.contains($0) }
            chains[Int(id)] = CompiledChain(family: chain.family, table: chain.table, name: chain.name, rules: rules,
                                            ruleIDs: ids, classes: classes, ruleLists: lists, residue: residue,
                                            policy: chain.base?.policy ?? .accept, isBase: chain.base != nil)
        }
        self.chains = chains.enumerated().map { index, chain in
            chain ?? CompiledChain(family: .ip, table: "", name: "#\(index)", rules: [], ruleIDs: [], classes: [],
                                   ruleLists: [], residue: nil, policy: .accept, isBase: false)
        }
        self.ops = ops
        self.labels = lowering.labels
        self.sourceRules = snapshot.rules
        compiledRules = compiled
        interpretedRules = interpreted
        indexedRules = indexed
    }

    /// The exact tests a rule starts with (before any choice or effect), as a class signature and key.
    static func signature(_ ops: [CompiledOp]) -> ([MaskedWindow], Wide)? {
        var windows: [MaskedWindow] = []
        var key = Wide.zero
        var length = 0
        for op in ops {
            guard case .test(let window, let mask, let test, let value, _) = op else { break }
            guard test == .eq, length + Int(window.length) <= 16,
                  !windows.contains(where: { $0.window == window }) else { continue }
            windows.append(MaskedWindow(window: window, mask: mask))
            key.append(value & mask, length: Int(window.length))
            length += Int(window.length)
        }
        return windows.isEmpty ? nil : (windows, key)
    }

    /// The compiled chain of a chain, if the snapshot holds it.
    func chainID(_ chain: Chain) -> Int32? {
        chainIDs[RulesetIndex.ChainKey(family: chain.family, table: chain.table, chain: chain.name)]
    }
}
