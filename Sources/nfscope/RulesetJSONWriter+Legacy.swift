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

/// An iptables-legacy table as `legacy save --json` writes it (chains in iptables-save order, rules by
/// 1-based position with their `iptables-legacy-save` text), plus its `family` (`ip` or `ip6`).
struct LegacyTableDocument: Encodable {
    var family: String
    var table: LegacySaveDocument.TableJSON

    init(_ table: LegacyTable) {
        family = table.family == .ipv4 ? "ip" : "ip6"
        self.table = LegacySaveDocument.TableJSON(table)
    }

    private enum Keys: String, CodingKey { case family }

    func encode(to encoder: Encoder) throws {
        try table.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(family, forKey: .family)
    }
}
