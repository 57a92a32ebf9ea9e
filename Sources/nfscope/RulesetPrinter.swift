import NFScope

/// Drives a streamed, consistent read into one of the renderers, chain by chain: decoded rules are dropped
/// as soon as their chain is rendered, and the text goes to a `RulesetOutput`.
enum RulesetPrinter {
    /// A filter that names a table or chain the namespace does not have is an error, as in `nft list table`.
    static func check(_ structure: RulesetStructure, _ filter: RulesetFilter, namespace: String,
                      requireMatch: Bool = true) throws {
        guard requireMatch else { return }
        if let table = filter.table, structure.tables.isEmpty {
            throw CommandFailure(message: "no table '\(table)'\(filter.family.map { " in family \($0)" } ?? "") in network namespace \(namespace)",
                                 exitCode: ExitStatus.environment)
        }
        if let chain = filter.chain, structure.chains.isEmpty {
            throw CommandFailure(message: "no chain '\(chain)' in network namespace \(namespace)", exitCode: ExitStatus.environment)
        }
    }

    static func nft(_ session: RulesetSession, filter: RulesetFilter, output: RulesetOutput,
                    requireMatch: Bool) throws {
        let (reader, namespace) = (session.reader, session.namespace)
        var writer: NFTRulesetWriter?
        if !session.readConnections.isEmpty {
            // Chains read and rendered on the session's extra connections, written here in kernel order.
            try reader.stream(filter, on: session.readConnections, structure: { structure in
                try check(structure, filter, namespace: namespace, requireMatch: requireMatch)
                let made = NFTRulesetWriter(structure: structure, namespace: namespace,
                                            chainsOnly: filter.chain != nil) { output.write($0) }
                writer = made
                let renderer = made.renderer
                return ChainWork(initial: "") { _, rules, text in text += renderer.rulesText(rules) }
            }, chain: { chain, text in
                writer?.write(chain: chain, renderedRules: text)
            }, restart: { _ in
                try output.restart()
                writer = nil
            })
            writer?.finish()
            return
        }
        try reader.stream(filter) { event in
            switch event {
            case .structure(let structure):
                try check(structure, filter, namespace: namespace, requireMatch: requireMatch)
                writer = NFTRulesetWriter(structure: structure, namespace: namespace,
                                          chainsOnly: filter.chain != nil) { output.write($0) }
            case .rules(let chain, let rules): writer?.write(chain: chain, rules: rules)
            case .restart:
                try output.restart()
                writer = nil
            }
        }
        writer?.finish()
    }

    /// `iptables-nft-save` for the ip family, then `ip6tables-nft-save` for ip6 (unless --family chose one).
    /// - Parameter requireMatch: a `--table`/`--chain` nf_tables does not have is an error (not when the
    ///   legacy backend has it).
    static func iptables(_ session: RulesetSession, filter: RulesetFilter, output: RulesetOutput,
                         requireMatch: Bool = true) throws {
        let (reader, namespace) = (session.reader, session.namespace)
        let families: [NFTFamily] = filter.family.map { [$0] } ?? [.ip, .ip6]
        var writers: [NFTFamily: IptablesSaveWriter] = [:]
        var started: Set<NFTFamily> = []
        // The writers exist by then (the structure comes first): they sort each table's chains once.
        let order = { (structure: RulesetStructure) in
            families.flatMap { writers[$0]?.chainOrderIndices() ?? IptablesSaveWriter.chainOrderIndices(structure, family: $0) }
        }
        func begin(_ family: NFTFamily) {
            guard !started.contains(family), let writer = writers[family] else { return }
            started.insert(family)
            if family == .ip6, families.count > 1, !writer.isEmpty { output.write("# nfscope: ip6tables-nft-save\n") }
            for foreign in writer.foreignTables {
                output.write("# nfscope: table \(foreign.family) \(foreign.name) was not written by iptables; see --format nft\n")
            }
        }
        func makeWriters(_ structure: RulesetStructure) throws {
            try check(structure, filter, namespace: namespace, requireMatch: requireMatch)
            for family in families {
                writers[family] = IptablesSaveWriter(structure: structure, family: family, namespace: namespace,
                                                     ipsetName: session.ipsetName) { output.write($0) }
            }
        }
        if !session.readConnections.isEmpty {
            // Chains read and rendered on the session's extra connections, written here in iptables-save order.
            try reader.stream(filter, order: order, on: session.readConnections, structure: { structure in
                try makeWriters(structure)
                return IptablesSaveWriter.chainWork(writers)
            }, chain: { chain, bytes in
                if chain.family == .ip6 { writers[.ip]?.finish() }
                begin(chain.family)
                writers[chain.family]?.write(chain: chain, renderedBytes: bytes)
            }, restart: { _ in
                try output.restart()
                writers = [:]
                started = []
            })
            for family in families {
                begin(family)
                writers[family]?.finish()
            }
            return
        }
        try reader.stream(filter, order: order) { event in
            switch event {
            case .structure(let structure):
                try makeWriters(structure)
            case .rules(let chain, let rules):
                // ip6 chains come after every ip chain: close the iptables-save part first.
                if chain.family == .ip6 { writers[.ip]?.finish() }
                begin(chain.family)
                writers[chain.family]?.write(chain: chain, rules: rules)
            case .restart:
                try output.restart()
                writers = [:]
                started = []
            }
        }
        for family in families {
            begin(family)
            writers[family]?.finish()
        }
    }

    /// The snapshot document; with `--backend all` it carries the legacy tables as `legacy_tables` (when
    /// there are any), with `--backend legacy` only them (docs/ruleset-schema.md).
    static func json(_ session: RulesetSession, filter: RulesetFilter, backend: RulesetBackendChoice,
                     output: RulesetOutput) throws {
        let (reader, namespace) = (session.reader, session.namespace)
        let legacy = backend == .nft ? [] : legacyTables(session, filter: filter)
        if backend == .legacy {
            try checkLegacy(legacy, filter: filter, namespace: namespace)
            output.write(try RulesetJSONWriter.legacyOnlyDocument(legacy, namespace: namespace) + "\n")
            return
        }
        var writer: RulesetJSONWriter?
        try reader.stream(filter) { event in
            switch event {
            case .structure(let structure):
                try check(structure, filter, namespace: namespace, requireMatch: legacy.isEmpty)
                writer = try RulesetJSONWriter(structure: structure, namespace: namespace, legacyTables: legacy,
                                               ipsetName: session.ipsetName) { output.write($0) }
            case .rules(let chain, let rules): try writer?.write(chain: chain, rules: rules)
            case .restart:
                try output.restart()
                writer = nil
            }
        }
        try writer?.finish()
    }
}
