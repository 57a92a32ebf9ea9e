import NetCore

/// Which tables and chains of a namespace hold rules in which backend, and which legacy and nf_tables
/// chains share a netfilter hook: the facts behind "one port is broken and no rule explains it", ready
/// for the doctor.
///
/// Both backends register hooks and both run; `iptables-save` of one backend never shows the other.
/// Chains on the same hook run in priority order; at equal priority the order is the hook-registration
/// order, which this kernel does not expose, so such pairs are reported as ``SharedHook/ambiguousOrder``.
public struct BackendReport: Equatable, Sendable {
    /// One chain of either backend.
    public struct ChainUse: Hashable, Sendable {
        public var backend: RulesetBackend
        /// `ip`/`ip6` for legacy tables; the nf_tables family keyword otherwise.
        public var family: String
        public var table: String
        public var chain: String
        /// The hook name (`prerouting`) for built-in / base chains.
        public var hook: String?
        public var priority: Int32?
        public var ruleCount: Int
    }

    /// A hook of one IP family where legacy and nf_tables chains both run, in priority order.
    public struct SharedHook: Hashable, Sendable {
        public var family: IPFamily
        public var hook: String
        /// Legacy and nf_tables chains on this hook, sorted by priority.
        public var chains: [ChainUse]
        /// Whether a legacy chain and an nf_tables chain have the same priority: their relative order is
        /// the registration order, which cannot be read, so both orders are possible.
        public var ambiguousOrder: Bool
        /// Every order the kernel may run these chains in: one when priorities decide, otherwise one per
        /// choice of which backend goes first in each equal-priority group.
        public var alternatives: [[ChainUse]]
    }

    /// Every chain of both backends, legacy first (tables in kernel order), then nf_tables.
    public var chains: [ChainUse]
    /// Hooks used by both backends.
    public var sharedHooks: [SharedHook]

    /// Whether both backends hold rules: the split the doctor warns about.
    public var isSplit: Bool {
        chains.contains { $0.backend == .legacy && $0.ruleCount > 0 }
            && chains.contains { $0.backend == .nftables && $0.ruleCount > 0 }
    }

    /// Builds the report from the legacy tables of both families and the nf_tables census.
    public init(legacy: [LegacyTable], nftables: NFTablesCensus) {
        var chains: [ChainUse] = []
        for table in legacy {
            for chain in LegacyRenderer.saveOrder(table.chains) {
                var hook: LegacyHook?
                if case .builtin(let builtin, _, _) = chain.kind { hook = builtin }
                chains.append(ChainUse(backend: .legacy, family: table.family == .ipv4 ? "ip" : "ip6",
                                       table: table.name, chain: chain.name, hook: hook.map(Self.hookName),
                                       priority: hook.flatMap { Self.legacyPriority(table: table.name, hook: $0) },
                                       ruleCount: chain.rules.count))
            }
        }
        for chain in nftables.chains {
            let isIP = ["ip", "ip6", "inet"].contains(chain.family)
            let hook = isIP ? chain.hook.flatMap { LegacyHook(rawValue: Int($0)) }.map(Self.hookName) : nil
            chains.append(ChainUse(backend: .nftables, family: chain.family, table: chain.table, chain: chain.name,
                                   hook: hook ?? chain.hook.map { "hook \($0)" }, priority: chain.priority,
                                   ruleCount: chain.ruleCount))
        }
        self.chains = chains
        self.sharedHooks = Self.shared(chains)
    }

    static func shared(_ chains: [ChainUse]) -> [SharedHook] {
        var result: [SharedHook] = []
        for family in IPFamily.allCases {
            let legacyFamily = family == .ipv4 ? "ip" : "ip6"
            for hook in LegacyHook.allCases.map(hookName) {
                let legacy = chains.filter { $0.backend == .legacy && $0.family == legacyFamily && $0.hook == hook }
                let nft = chains.filter {
                    $0.backend == .nftables && ($0.family == legacyFamily || $0.family == "inet") && $0.hook == hook
                }
                guard !legacy.isEmpty, !nft.isEmpty else { continue }
                let sorted = (legacy + nft).sorted { ($0.priority ?? 0) < ($1.priority ?? 0) }
                let ambiguous = legacy.contains { l in nft.contains { $0.priority == l.priority } }
                result.append(SharedHook(family: family, hook: hook, chains: sorted, ambiguousOrder: ambiguous,
                                         alternatives: orders(sorted)))
            }
        }
        return result
    }

    /// The possible orders of chains sorted by priority: each group of equal priority that mixes backends
    /// runs either legacy-first or nf_tables-first (2^groups alternatives; a hook has few priorities).
    static func orders(_ sorted: [ChainUse]) -> [[ChainUse]] {
        var groups: [[ChainUse]] = []
        for chain in sorted {
            if let last = groups.last?.last, last.priority == chain.priority {
                groups[groups.count - 1].append(chain)
            } else {
                groups.append([chain])
            }
        }
        var alternatives: [[ChainUse]] = [[]]
        for group in groups {
            let legacy = group.filter { $0.backend == .legacy }, nft = group.filter { $0.backend == .nftables }
            let choices = legacy.isEmpty || nft.isEmpty ? [group] : [legacy + nft, nft + legacy]
            alternatives = alternatives.flatMap { prefix in choices.map { prefix + $0 } }
        }
        return alternatives
    }

    static func hookName(_ hook: LegacyHook) -> String { hook.chainName.lowercased() }

    /// The priority x_tables registers a table's hook at (`NF_IP_PRI_*`, the same for IPv6): raw -300,
    /// mangle -150, nat -100 before routing (PREROUTING, OUTPUT) and 100 after (INPUT, POSTROUTING),
    /// filter 0, security 50.
    public static func legacyPriority(table: String, hook: LegacyHook) -> Int32? {
        switch table {
        case "raw": return -300
        case "mangle": return -150
        case "nat": return hook == .prerouting || hook == .output ? -100 : 100
        case "filter": return 0
        case "security": return 50
        default: return nil
        }
    }
}
