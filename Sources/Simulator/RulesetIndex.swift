import NetCore
import NFTables

/// A ruleset arranged for simulation: rules by chain, sets by name, base chains by hook.
struct RulesetIndex: Sendable {
    struct ChainKey: Hashable {
        var family: NFTFamily
        var table: String
        var chain: String
    }

    let snapshot: RulesetSnapshot
    private let rulesByChain: [ChainKey: [Rule]]
    private let setsByName: [ChainKey: NFTSet]
    private let chainsByName: [ChainKey: Chain]
    private let dormantTables: Set<ChainKey>

    private let source: (any RuleSource)?
    /// Rules of the iptables-legacy tables (always in memory: the x_tables blob is read whole).
    private let legacyRules: [ChainKey: [Rule]]
    private let legacyTexts: [String: String]

    /// - Parameter legacy: iptables-legacy tables, merged into the structure so that their base chains
    ///   take their places on the hooks.
    init(_ nftables: RulesetSnapshot, source: (any RuleSource)? = nil, legacy: LegacyRuleset = LegacyRuleset()) {
        var snapshot = nftables
        snapshot.structure.tables += legacy.tables
        snapshot.structure.chains += legacy.chains
        self.snapshot = snapshot
        self.source = source
        legacyRules = Dictionary(grouping: legacy.rules) { ChainKey(family: $0.family, table: $0.table, chain: $0.chain) }
        legacyTexts = legacy.texts
        rulesByChain = Dictionary(grouping: snapshot.rules) { ChainKey(family: $0.family, table: $0.table, chain: $0.chain) }
        setsByName = Dictionary(snapshot.structure.sets.map { (ChainKey(family: $0.family, table: $0.table, chain: $0.name), $0) },
                                uniquingKeysWith: { first, _ in first })
        chainsByName = Dictionary(snapshot.structure.chains.map { (ChainKey(family: $0.family, table: $0.table, chain: $0.name), $0) },
                                  uniquingKeysWith: { first, _ in first })
        dormantTables = Set(snapshot.structure.tables.filter { $0.flags.contains(.dormant) }
            .map { ChainKey(family: $0.family, table: $0.name, chain: "") })
    }

    func rules(family: NFTFamily, table: String, chain: String) -> [Rule] {
        let key = ChainKey(family: family, table: table, chain: chain)
        if LegacyRuleset.isLegacy(table: table) { return legacyRules[key] ?? [] }
        if let source {
            return source.rules(of: chainsByName[key] ?? Chain(family: family, table: table, name: chain))
        }
        return rulesByChain[key] ?? []
    }

    /// The rules of a chain that may match a packet: a lazy source may leave out rules keyed to other
    /// destinations (``RuleSource/rules(of:for:)``); otherwise every rule.
    func rules(of chain: Chain, for packet: Packet) -> [Rule] {
        if let source, !LegacyRuleset.isLegacy(table: chain.table) { return source.rules(of: chain, for: packet) }
        return rules(family: chain.family, table: chain.table, chain: chain.name)
    }

    /// A chain by name. With a lazy source the structure holds only base chains: any other name is a
    /// regular chain whose rules the source reads by name (the kernel allows no jump to a missing chain;
    /// a read of one fails, and the trace with it).
    func chain(family: NFTFamily, table: String, name: String) -> Chain? {
        if let chain = chainsByName[ChainKey(family: family, table: table, chain: name)] { return chain }
        guard source != nil, !LegacyRuleset.isLegacy(table: table) else { return nil }
        return Chain(family: family, table: table, name: name)
    }

    func set(family: NFTFamily, table: String, name: String) -> NFTSet? {
        setsByName[ChainKey(family: family, table: table, chain: name)]
    }

    /// The base chains an IPv4 or IPv6 packet meets at a hook (ip/ip6 and inet tables), in the order the
    /// kernel runs them: grouped by effective priority, each group's members in an unknown order when
    /// there are several. NAT chains all run inside the NAT core's hook (`nf_nat_inet_fn`), at
    /// `NF_IP_PRI_NAT_DST` (-100) on prerouting/output and `NF_IP_PRI_NAT_SRC` (100) on input/postrouting;
    /// their own priorities order them only among themselves.
    func hookGroups(_ hook: Hook, family: IPFamily) -> [HookSlot] {
        let wanted: Set<NFTFamily> = family == .ipv4 ? [.ip, .inet] : [.ip6, .inet]
        let chains = snapshot.structure.chains.filter { chain in
            guard wanted.contains(chain.family), let base = chain.base, base.hook == hook else { return false }
            return !dormantTables.contains(ChainKey(family: chain.family, table: chain.table, chain: ""))
        }
        let natPriority: Int32 = (hook == .prerouting || hook == .output) ? -100 : 100
        var filterGroups: [Int32: [Chain]] = [:]
        var natGroups: [Int32: [Chain]] = [:]
        for chain in chains {
            guard let base = chain.base else { continue }
            if base.type == "nat" { natGroups[base.priority, default: []].append(chain) }
            else { filterGroups[base.priority, default: []].append(chain) }
        }
        var slots: [(Int32, Int, HookSlot)] = filterGroups.map {
            ($0.key, 0, HookSlot.chains($0.value.sorted(by: chainOrder), beforeConntrack: tracksHere(hook) && $0.key < -200))
        }
        // The NAT core slot is on the four NAT hooks even without nat chains: it also rewrites replies and
        // flows mapped by the live table. FORWARD has no NAT.
        if hook != .forward {
            let nat = natGroups.sorted { $0.key < $1.key }.map { $0.value.sorted(by: chainOrder) }
            slots.append((natPriority, 1, .nat(nat)))
        }
        return slots.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
    }

    /// Conntrack attaches at `NF_IP_PRI_CONNTRACK` (-200) on prerouting and output; chains before it (raw)
    /// see no entry.
    private func tracksHere(_ hook: Hook) -> Bool { hook == .prerouting || hook == .output }

    private func chainOrder(_ a: Chain, _ b: Chain) -> Bool {
        (a.family.rawValue, a.table, a.name) < (b.family.rawValue, b.table, b.name)
    }

    /// Whether a table is one iptables-nft manages (its chain names and comments are iptables').
    func backend(family: NFTFamily, table: String) -> String {
        if LegacyRuleset.isLegacy(table: table) { return LegacyRuleset.backend }
        return family.holdsIptablesTable(table) ? "iptables-nft" : "nftables"
    }
}

extension RulesetIndex {
    /// A reference to a rule (nil: a chain's policy) as steps and verdicts show it: legacy tables under
    /// their own name, with the backend `iptables-legacy` and the rule's position as its handle.
    func reference(namespace: String, chain: Chain, rule: Rule?) -> RuleReference {
        RuleReference(namespace: namespace, backend: backend(family: chain.family, table: chain.table),
                      family: chain.family, table: LegacyRuleset.displayName(table: chain.table),
                      chain: rule?.chain ?? chain.name, handle: rule?.handle)
    }

    /// The `iptables-legacy-save` line of a legacy rule; nil for nf_tables rules.
    func legacyText(_ rule: Rule) -> String? {
        guard LegacyRuleset.isLegacy(table: rule.table) else { return nil }
        return legacyTexts[LegacyRuleset.key(family: rule.family, table: rule.table, chain: rule.chain, position: rule.handle)]
    }

    /// `ip nat PREROUTING`, or `iptables-legacy ip nat PREROUTING` for a legacy chain.
    func label(_ chain: Chain) -> String {
        let legacy = LegacyRuleset.isLegacy(table: chain.table) ? LegacyRuleset.backend + " " : ""
        return "\(legacy)\(chain.family) \(LegacyRuleset.displayName(table: chain.table)) \(chain.name)"
    }
}

/// The chains at one priority of a hook: usually one; several when they share a priority (order unknown).
/// NAT chains form one slot of their own, a list of priority groups.
enum HookSlot: Sendable {
    case chains([Chain], beforeConntrack: Bool)
    case nat([[Chain]])
}
