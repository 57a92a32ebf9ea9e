import NFScope

/// Drives a streamed, consistent read into one of the renderers, chain by chain: decoded rules are dropped
/// as soon as their chain is rendered, and the text goes to a `RulesetOutput`.
enum RulesetPrinter {
    /// A filter that names a table or chain the namespace does not have is an error, as in `nft list table`.
    static func check(_ structure: RulesetStructure, _ filter: RulesetFilter, namespace: String) throws {
        if let table = filter.table, structure.tables.isEmpty {
            throw CommandFailure(message: "no table '\(table)'\(filter.family.map { " in family \($0)" } ?? "") in network namespace \(namespace)",
                                 exitCode: ExitStatus.environment)
        }
        if let chain = filter.chain, structure.chains.isEmpty {
            throw CommandFailure(message: "no chain '\(chain)' in network namespace \(namespace)", exitCode: ExitStatus.environment)
        }
    }

    static func nft(_ session: RulesetSession, filter: RulesetFilter, output: RulesetOutput) throws {
        let (reader, namespace) = (session.reader, session.namespace)
        var writer: NFTRulesetWriter?
        try reader.stream(filter) { event in
            switch event {
            case .structure(let structure):
                try check(structure, filter, namespace: namespace)
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
    static func iptables(_ session: RulesetSession, filter: RulesetFilter, output: RulesetOutput) throws {
        let (reader, namespace) = (session.reader, session.namespace)
        let families: [NFTFamily] = filter.family.map { [$0] } ?? [.ip, .ip6]
        var writers: [NFTFamily: IptablesSaveWriter] = [:]
        var started: Set<NFTFamily> = []
        let order = { (structure: RulesetStructure) in
            families.flatMap { IptablesSaveWriter.chainOrderIndices(structure, family: $0) }
        }
        func begin(_ family: NFTFamily) {
            guard !started.contains(family), let writer = writers[family] else { return }
            started.insert(family)
            if family == .ip6, families.count > 1, !writer.isEmpty { output.write("# nfscope: ip6tables-nft-save\n") }
            for foreign in writer.foreignTables {
                output.write("# nfscope: table \(foreign.family) \(foreign.name) was not written by iptables; see --format nft\n")
            }
        }
        try reader.stream(filter, order: order) { event in
            switch event {
            case .structure(let structure):
                try check(structure, filter, namespace: namespace)
                for family in families {
                    writers[family] = IptablesSaveWriter(structure: structure, family: family, namespace: namespace,
                                                         ipsetName: session.ipsetName) { output.write($0) }
                }
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

    static func json(_ session: RulesetSession, filter: RulesetFilter, output: RulesetOutput) throws {
        let (reader, namespace) = (session.reader, session.namespace)
        var writer: RulesetJSONWriter?
        try reader.stream(filter) { event in
            switch event {
            case .structure(let structure):
                try check(structure, filter, namespace: namespace)
                writer = RulesetJSONWriter(structure: structure, namespace: namespace,
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
