import Legacy
import NetCore
import NetNS

extension DoctorContext {
    /// `both_iptables_backends`: rules in iptables-legacy (x_tables) tables and in nf_tables on the node. Both
    /// run; each backend's tools show only their own rules. Legacy tables are detected by name even when
    /// their contents cannot be decoded.
    func bothBackends() -> (findings: [Finding], notes: [String]) {
        let handle: NamespaceHandle
        do { handle = try NamespaceHandle(spec: spec) } catch {
            return ([], ["\(node): could not reopen the namespace for the backend check (\(error))"])
        }
        var notes: [String] = []
        let nftRules = graphs[node]?.snapshot.rules.count ?? 0
        var nftTables: [Evidence] = []
        if let graph = graphs[node] {
            for table in graph.snapshot.structure.tables {
                let count = graph.snapshot.rules.filter { $0.family == table.family && $0.table == table.name }.count
                guard count > 0 else { continue }
                nftTables.append(.table(TableEvidence(namespace: node, backend: DoctorContext.backend(family: table.family, table: table.name),
                                                      family: "\(table.family)", table: table.name, rules: count)))
            }
        }
        var legacyTables: [Evidence] = []
        for family in IPFamily.allCases {
            let familyName = family == .ipv4 ? "ip" : "ip6"
            do {
                for table in try LegacyReader.tables(in: handle, family: family) where table.ruleCount > 0 {
                    legacyTables.append(.table(TableEvidence(namespace: node, backend: "iptables-legacy", family: familyName,
                                                             table: table.name, rules: table.ruleCount)))
                }
            } catch {
                // Undecodable: the tables' names alone show the legacy backend is in use.
                let names = (try? LegacyReader.tableNames(in: handle, family: family)) ?? []
                for name in names {
                    legacyTables.append(.table(TableEvidence(namespace: node, backend: "iptables-legacy", family: familyName,
                                                             table: name, rules: -1)))
                }
                notes.append("\(node): iptables-legacy \(familyName) tables could not be decoded (\(error))"
                    + (names.isEmpty ? "" : "; found by name: \(names.joined(separator: ", ")) (rules: -1 = unknown)"))
            }
        }
        guard !legacyTables.isEmpty, nftRules > 0 else { return ([], notes) }
        let legacyNames = legacyTables.compactMap { $0.table.map { "\($0.family) \($0.table)" } }
        return ([Finding(check: .bothIptablesBackends, severity: .warning,
                         summary: "rules are split between iptables-legacy (\(legacyNames.joined(separator: ", "))) and nf_tables: "
                             + "both run, and iptables-save of either backend hides the other's rules",
                         evidence: legacyTables + nftTables,
                         fix: "make every component use one backend (iptables-nft on current distributions): flush the legacy "
                             + "tables (iptables-legacy -F / -X per table) after the tool that wrote them is switched over")],
                notes)
    }
}
