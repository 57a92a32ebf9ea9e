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
        var decoded: [LegacyTable] = []
        for family in IPFamily.allCases {
            let familyName = family == .ipv4 ? "ip" : "ip6"
            do {
                let tables = try LegacyReader.tables(in: handle, family: family)
                decoded += tables
                for table in tables where table.ruleCount > 0 {
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
        // Hooks where a legacy and an nf_tables chain run at the same priority: their order cannot be read.
        var shared: [Evidence] = []
        var sharedHooks: [String] = []
        if let census = try? NFTablesCensus.read(try handle.connection(.netfilter)) {
            for hook in BackendReport(legacy: decoded, nftables: census).sharedHooks where hook.ambiguousOrder {
                let legacy = hook.chains.filter { $0.backend == .legacy }
                let tied = hook.chains.filter { chain in legacy.contains { $0.priority == chain.priority } && chain.ruleCount > 0 }
                guard tied.contains(where: { $0.backend == .legacy }), tied.contains(where: { $0.backend == .nftables }) else { continue }
                sharedHooks.append("\(hook.hook) (\(hook.family == .ipv4 ? "ip" : "ip6"))")
                shared += tied.map { chain in
                    .chain(ChainEvidence(namespace: node, backend: chain.backend == .legacy ? "iptables-legacy" : "nftables",
                                         family: chain.family, table: chain.table, chain: chain.chain, hook: chain.hook,
                                         priority: chain.priority, policy: nil))
                }
            }
        }
        let order = sharedHooks.isEmpty ? "" : "; at \(sharedHooks.joined(separator: ", ")) legacy and nf_tables chains share a "
            + "priority, so which runs first cannot be read"
        return ([Finding(check: .bothIptablesBackends, severity: .warning,
                         summary: "rules are split between iptables-legacy (\(legacyNames.joined(separator: ", "))) and nf_tables: "
                             + "both run, and iptables-save of either backend hides the other's rules" + order,
                         evidence: legacyTables + nftTables + shared,
                         fix: "make every component use one backend (iptables-nft on current distributions): flush the legacy "
                             + "tables (iptables-legacy -F / -X per table) after the tool that wrote them is switched over")],
                notes)
    }
}
