import Legacy
import NFScope

/// `ruleset --backend`: which netfilter backend's tables a listing shows. iptables-legacy tables are read
/// over x_tables getsockopt (never created) and printed as `iptables-legacy-save` does.
enum RulesetBackendChoice: String, CaseIterable {
    /// nf_tables only: what the command printed before it knew about legacy tables.
    case nft
    /// iptables-legacy (x_tables) only.
    case legacy
    /// Both: the nf_tables part, then the legacy part, each headed by a comment naming it when there are
    /// legacy tables; exactly the nft part when there are none.
    case all
}

extension RulesetPrinter {
    /// The legacy tables the filter selects: `--family ip`/`ip6` choose one family (any other family has
    /// none), `--table` a table, `--chain` one chain of each table that has it.
    static func legacyTables(_ session: RulesetSession, filter: RulesetFilter) -> [LegacyTable] {
        let families: [IPFamily]
        switch filter.family {
        case nil: families = [.ipv4, .ipv6]
        case .some(.ip): families = [.ipv4]
        case .some(.ip6): families = [.ipv6]
        default: families = []
        }
        return session.legacyTables.compactMap { table in
            guard families.contains(table.family), filter.table.map({ $0 == table.name }) ?? true else { return nil }
            guard let chain = filter.chain else { return table }
            var selected = table
            selected.chains = table.chains.filter { $0.name == chain }
            return selected.chains.isEmpty ? nil : selected
        }
    }

    /// `iptables-legacy-save` for ip, then `ip6tables-legacy-save` for ip6, as the nft part does.
    static func legacySave(_ tables: [LegacyTable], filter: RulesetFilter, output: RulesetOutput) {
        let both = filter.family == nil
        LegacyRenderer.write(tables: tables, family: .ipv4) { output.write($0) }
        if both, tables.contains(where: { $0.family == .ipv6 }) { output.write("# nfscope: ip6tables-legacy-save\n") }
        LegacyRenderer.write(tables: tables, family: .ipv6) { output.write($0) }
    }

    /// `--format iptables` for the chosen backend.
    static func iptables(_ session: RulesetSession, filter: RulesetFilter, backend: RulesetBackendChoice,
                         output: RulesetOutput) throws {
        let legacy = legacyTables(session, filter: filter)
        switch backend {
        case .nft:
            try iptables(session, filter: filter, output: output)
        case .legacy:
            try checkLegacy(legacy, filter: filter, namespace: session.namespace)
            legacySave(legacy, filter: filter, output: output)
        case .all where legacy.isEmpty:
            try iptables(session, filter: filter, output: output)
        case .all:
            output.write("# nfscope: iptables-nft (nf_tables) backend\n")
            try iptables(session, filter: filter, output: output, requireMatch: false)
            output.write("# nfscope: iptables-legacy (x_tables) backend\n")
            legacySave(legacy, filter: filter, output: output)
        }
    }

    /// `--format nft --backend all`: legacy tables have no nft form, so the listing ends with a comment
    /// that names them (nothing when there are none).
    static func nft(_ session: RulesetSession, filter: RulesetFilter, output: RulesetOutput) throws {
        let legacy = legacyTables(session, filter: filter)
        try nft(session, filter: filter, output: output, requireMatch: legacy.isEmpty)
        guard !legacy.isEmpty else { return }
        let names = legacy.map { "\($0.family == .ipv4 ? "ip" : "ip6") \($0.name)" }.joined(separator: ", ")
        output.write("# nfscope: iptables-legacy (x_tables) tables not shown (no nft form): \(names); "
                     + "see --format iptables --backend legacy\n")
    }

    /// A `--table`/`--chain` the legacy backend does not have is an error, as for nf_tables.
    static func checkLegacy(_ tables: [LegacyTable], filter: RulesetFilter, namespace: String) throws {
        guard tables.isEmpty else { return }
        if let table = filter.table {
            throw CommandFailure(message: "no iptables-legacy table '\(table)' in network namespace \(namespace)",
                                 exitCode: ExitStatus.environment)
        }
        if let chain = filter.chain {
            throw CommandFailure(message: "no iptables-legacy chain '\(chain)' in network namespace \(namespace)",
                                 exitCode: ExitStatus.environment)
        }
    }
}
