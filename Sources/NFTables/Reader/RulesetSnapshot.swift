/// Everything but the rules of a ruleset, read under one generation id: what a renderer needs before the
/// rules stream in chain by chain.
public struct RulesetStructure: Hashable, Sendable, Encodable {
    /// The ruleset generation (`NFTA_GEN_ID`) the read is consistent with.
    public var generation: UInt32
    public var tables: [Table]
    /// Chains in kernel order (per table: base and regular chains as created).
    public var chains: [Chain]
    /// Sets and maps with their elements, anonymous ones included.
    public var sets: [NFTSet]
    public var objects: [StatefulObject]
    public var flowtables: [Flowtable]

    public init(generation: UInt32 = 0, tables: [Table] = [], chains: [Chain] = [], sets: [NFTSet] = [],
                objects: [StatefulObject] = [], flowtables: [Flowtable] = []) {
        self.generation = generation
        self.tables = tables
        self.chains = chains
        self.sets = sets
        self.objects = objects
        self.flowtables = flowtables
    }

    /// The chains of one table, in kernel order.
    public func chains(of table: Table) -> [Chain] {
        chains.filter { $0.family == table.family && $0.table == table.name }
    }

    /// The set named `name` in a table.
    public func set(named name: String, family: NFTFamily, table: String) -> NFTSet? {
        sets.first { $0.name == name && $0.family == family && $0.table == table }
    }
}

/// A whole ruleset: the structure plus every rule. Prefer streaming (`RulesetReader.stream`) on large
/// rulesets: this holds every decoded rule at once.
public struct RulesetSnapshot: Hashable, Sendable, Encodable {
    public var structure: RulesetStructure
    public var rules: [Rule]

    public init(structure: RulesetStructure, rules: [Rule]) {
        self.structure = structure
        self.rules = rules
    }
}

/// What to read: everything, or only one family, table or chain. The kernel is asked only for what
/// matches (dump requests carry the table and chain names), so a single-chain read stays small.
public struct RulesetFilter: Hashable, Sendable, Encodable {
    public var family: NFTFamily?
    public var table: String?
    public var chain: String?

    public init(family: NFTFamily? = nil, table: String? = nil, chain: String? = nil) {
        self.family = family
        self.table = table
        self.chain = chain
    }

    func matches(family: NFTFamily, table: String) -> Bool {
        (self.family == nil || self.family == family) && (self.table == nil || self.table == table)
    }
}

/// One step of a streamed read.
public enum RulesetEvent: Sendable {
    /// Tables, chains, sets with elements, objects and flowtables; comes first.
    case structure(RulesetStructure)
    /// Rules of one chain, in order: a chain's rules come as one or more consecutive events (batches of
    /// `RulesetReader.rulesPerEvent`; one empty event for an empty chain); chains come in the requested order.
    case rules(chain: Chain, rules: [Rule])
    /// The generation changed or a dump was interrupted: drop everything received so far; the read starts
    /// over with a new `structure`.
    case restart(attempt: Int)
}
