import NFTables

/// iptables-legacy (x_tables) tables in the nf_tables shape the simulator runs: each built-in chain a base
/// chain at the legacy table's hook and priority, user chains regular chains, and each rule the expressions
/// that compute what `ipt_do_table` computes. Built by `NFScope` from the kernel's x_tables blobs.
///
/// Table names carry ``tablePrefix`` so that they never meet the iptables-nft table of the same name
/// (`ip nat` exists in both backends on a split node); references and texts show the plain name with the
/// backend `iptables-legacy`. A rule's `handle` is its 1-based position in its chain, which is how legacy
/// rules are identified.
public struct LegacyRuleset: Sendable {
    /// Prefix of the synthetic table names (`iptables-legacy/nat`); `/` never appears in a table name that
    /// `nft` or `iptables-nft` writes.
    public static let tablePrefix = "iptables-legacy/"
    /// The backend name references carry.
    public static let backend = "iptables-legacy"

    public var tables: [Table]
    public var chains: [Chain]
    public var rules: [Rule]
    /// The `iptables-legacy-save` line of each rule, by ``key(family:table:chain:position:)``.
    public var texts: [String: String]

    public init(tables: [Table] = [], chains: [Chain] = [], rules: [Rule] = [], texts: [String: String] = [:]) {
        self.tables = tables
        self.chains = chains
        self.rules = rules
        self.texts = texts
    }

    /// The synthetic table name of a legacy table (`nat` → `iptables-legacy/nat`).
    public static func tableName(_ name: String) -> String { tablePrefix + name }

    /// Whether a (synthetic) table name is a legacy one.
    public static func isLegacy(table: String) -> Bool { table.hasPrefix(tablePrefix) }

    /// The name a legacy table is shown with (the prefix dropped); other names unchanged.
    public static func displayName(table: String) -> String {
        isLegacy(table: table) ? String(table.dropFirst(tablePrefix.count)) : table
    }

    /// The key of ``texts``.
    public static func key(family: NFTFamily, table: String, chain: String, position: UInt64) -> String {
        "\(family) \(table) \(chain) \(position)"
    }

    public var isEmpty: Bool { tables.isEmpty }
}
