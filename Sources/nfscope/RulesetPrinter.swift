import NFScope

/// Drives a streamed, consistent read into one of the renderers.
///
/// The text is collected and printed once the read is known to be consistent (the generation id did not
/// move): a replay after a change would otherwise print the ruleset twice. Decoded rules are dropped chain by
/// chain; only the text is held.
enum RulesetPrinter {
    static func nft(_ reader: RulesetReader, filter: RulesetFilter, namespace: String) throws -> String {
        var text = ""
        var writer: NFTRulesetWriter?
        try reader.stream(filter) { event in
            switch event {
            case .structure(let structure):
                writer = NFTRulesetWriter(structure: structure, namespace: namespace,
                                          chainsOnly: filter.chain != nil) { text += $0 }
            case .rules(let chain, let rules): writer?.write(chain: chain, rules: rules)
            case .restart:
                text = ""
                writer = nil
            }
        }
        writer?.finish()
        return text
    }

    /// `iptables-nft-save` for the ip family, then `ip6tables-nft-save` for ip6 (unless --family chose one).
    static func iptables(_ reader: RulesetReader, filter: RulesetFilter, namespace: String) throws -> String {
        let families: [NFTFamily] = filter.family.map { [$0] } ?? [.ip, .ip6]
        var texts: [NFTFamily: String] = [:]
        var writers: [NFTFamily: IptablesSaveWriter] = [:]
        let order = { (structure: RulesetStructure) in
            families.flatMap { IptablesSaveWriter.chainOrder(structure, family: $0) }
        }
        try reader.stream(filter, order: order) { event in
            switch event {
            case .structure(let structure):
                for family in families {
                    texts[family] = ""
                    writers[family] = IptablesSaveWriter(structure: structure, family: family, namespace: namespace) {
                        texts[family, default: ""] += $0
                    }
                    for foreign in writers[family]?.foreignTables ?? [] {
                        texts[family, default: ""] += "# nfscope: table \(foreign.family) \(foreign.name) was not written by iptables; see --format nft\n"
                    }
                }
            case .rules(let chain, let rules): writers[chain.family]?.write(chain: chain, rules: rules)
            case .restart:
                texts = [:]
                writers = [:]
            }
        }
        for writer in writers.values { writer.finish() }
        if families.count > 1, texts[.ip6]?.isEmpty == false {
            return (texts[.ip] ?? "") + "# nfscope: ip6tables-nft-save\n" + (texts[.ip6] ?? "")
        }
        return families.map { texts[$0] ?? "" }.joined()
    }

    static func json(_ reader: RulesetReader, filter: RulesetFilter, namespace: String) throws -> String {
        var writer: RulesetJSONWriter?
        var text = ""
        try reader.stream(filter) { event in
            switch event {
            case .structure(let structure):
                text = ""
                writer = RulesetJSONWriter(structure: structure, namespace: namespace) { text += $0 }
            case .rules(let chain, let rules): try writer?.write(chain: chain, rules: rules)
            case .restart:
                text = ""
                writer = nil
            }
        }
        try writer?.finish()
        return text
    }
}
