import Legacy
import NFScope

/// `nfscope legacy save --json`: tables, chains and rules with their iptables text and counters.
struct LegacySaveDocument: Encodable {
    var schemaVersion = 1
    var namespace: String
    var family: IPFamily
    var tables: [TableJSON]

    init(namespace: String, family: IPFamily, tables: [LegacyTable]) {
        self.namespace = namespace
        self.family = family
        self.tables = tables.map(TableJSON.init)
    }

    struct TableJSON: Encodable {
        var name: String
        var backend: String
        var chains: [ChainJSON]

        init(_ table: LegacyTable) {
            name = table.name
            backend = table.backend.rawValue
            chains = LegacyRenderer.saveOrder(table.chains).map { ChainJSON($0, ipsetNames: table.ipsetNames) }
        }
    }

    struct ChainJSON: Encodable {
        var name: String
        var hook: String?
        var policy: String?
        var packets: UInt64?
        var bytes: UInt64?
        var rules: [RuleJSON]

        init(_ chain: LegacyChain, ipsetNames: [UInt16: String]) {
            name = chain.name
            if case .builtin(let hook, let policy, let counters) = chain.kind {
                self.hook = hook.chainName.lowercased()
                self.policy = policy.description
                packets = counters.packets
                bytes = counters.bytes
            }
            rules = chain.rules.map { RuleJSON($0, ipsetNames: ipsetNames) }
        }
    }

    struct RuleJSON: Encodable {
        var position: Int
        var offset: Int
        var text: String
        var packets: UInt64
        var bytes: UInt64
        /// The match names in order (`comment`, `tcp`), as `-m` prints them.
        var matches: [String]
        /// `ACCEPT`, a chain name, an extension target name, or nil for a rule without `-j`.
        var target: String?
        /// Whether the target is a `-g` goto.
        var isGoto: Bool
        /// Extensions kept raw because the decoder does not know them or could not decode them.
        var rawExtensions: [String]

        init(_ rule: LegacyRule, ipsetNames: [UInt16: String]) {
            position = rule.position
            offset = rule.offset
            text = rule.iptablesText(ipsetNames: ipsetNames)
            packets = rule.counters.packets
            bytes = rule.counters.bytes
            matches = rule.matches.map(\.match.name)
            isGoto = false
            switch rule.target {
            case .verdict(let verdict): target = verdict.description
            case .jump(let chain, let goto): target = chain; isGoto = goto
            case .continueToNext: target = nil
            case .extension(_, let decoded, _): target = decoded.name
            }
            var raw = rule.matches.compactMap { match -> String? in
                if case .raw(let ext) = match.match { return "\(ext.name) rev \(ext.revision)" }
                return nil
            }
            if case .extension(let ext, .raw, _) = rule.target { raw.append("\(ext.name) rev \(ext.revision)") }
            rawExtensions = raw
        }
    }
}
