import Foundation
import Legacy
import NFScope

extension RulesetJSONWriter {
    /// `--backend legacy --format json`: only the legacy tables; `tables` is empty and `generation` is
    /// absent (no nf_tables read happened).
    static func legacyOnlyDocument(_ tables: [LegacyTable], namespace: String) throws -> String {
        "{\"legacy_tables\":" + (try legacyArray(tables)) + ",\"namespace\":\(quoted(namespace)),"
            + "\"schema_version\":\(schemaVersion),\"tables\":[]}"
    }

    /// The `legacy_tables` array (docs/ruleset-schema.md, "Legacy table").
    static func legacyArray(_ tables: [LegacyTable]) throws -> String {
        let data = try JSONOutput.encoder(pretty: false).encode(tables.map(LegacyTableDocument.init))
        return String(decoding: data, as: UTF8.self)
    }
}

/// An iptables-legacy table: its chains in iptables-save order, each rule identified by table, chain and
/// 1-based position and rendered as `iptables-legacy-save` prints it.
struct LegacyTableDocument: Encodable {
    var backend = "legacy"
    var family: String
    var name: String
    var chains: [LegacyChainDocument]

    init(_ table: LegacyTable) {
        family = table.family == .ipv4 ? "ip" : "ip6"
        name = table.name
        chains = LegacyRenderer.saveOrder(table.chains).map { LegacyChainDocument($0, table: table) }
    }
}

struct LegacyChainDocument: Encodable {
    struct Base: Encodable {
        var hook: Int
        var hookName: String
        var priority: Int32?
        var policy: String
        var counters: LegacyCounters
    }

    var name: String
    /// Null for user chains.
    var base: Base?
    var rules: [LegacyRuleDocument]

    init(_ chain: LegacyChain, table: LegacyTable) {
        name = chain.name
        if case .builtin(let hook, let policy, let counters) = chain.kind {
            base = Base(hook: hook.rawValue, hookName: hook.chainName.lowercased(),
                        priority: BackendReport.legacyPriority(table: table.name, hook: hook),
                        policy: policy.description, counters: counters)
        }
        rules = chain.rules.map { LegacyRuleDocument($0, ipsetNames: table.ipsetNames) }
    }

    private enum Keys: String, CodingKey { case name, base, rules }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(name, forKey: .name)
        try container.encode(base, forKey: .base)  // null for user chains, as for nf_tables chains
        try container.encode(rules, forKey: .rules)
    }
}

struct LegacyRuleDocument: Encodable {
    var table: String
    var chain: String
    var position: Int
    var offset: Int
    var counters: LegacyCounters
    var iptables: String

    init(_ rule: LegacyRule, ipsetNames: [UInt16: String]) {
        table = rule.table
        chain = rule.chain
        position = rule.position
        offset = rule.offset
        counters = rule.counters
        iptables = rule.iptablesText(ipsetNames: ipsetNames)
    }
}
