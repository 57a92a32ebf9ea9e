import Foundation
import RulesetCorpus
import Testing
import TestLab

/// `nfscope ruleset --format json` against docs/ruleset-schema.md: every key the writer emits is one the
/// document names (read from the document itself, so the two cannot drift apart unnoticed), the required
/// ones are there, and keys are sorted as the document promises.
@Suite("Ruleset JSON follows docs/ruleset-schema.md", .serialized,
       .enabled(if: Shell.isRoot, "needs root: creates a network namespace and loads rulesets"))
struct RulesetJSONSchemaTests {
    static let document: String = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/ruleset-schema.md")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }()

    /// The text under `## title`, up to the next `## ` heading.
    static func section(_ title: String) -> String {
        guard let start = document.range(of: "\n## \(title)\n") else { return "" }
        let rest = document[start.upperBound...]
        return String(rest[..<(rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex)])
    }

    /// Every `snake_case` word between backticks, also inside a shape such as `{hook, hook_name, …}`.
    static func backticked<S: StringProtocol>(_ text: S) -> Set<String> {
        let parts = text.split(separator: "`", omittingEmptySubsequences: false)
        var words: Set<String> = []
        for index in stride(from: 1, to: parts.count, by: 2) {
            let span = parts[index]
            for word in span.split(whereSeparator: { !($0.isLowercase || $0.isNumber || $0 == "_") }) {
                words.insert(String(word))
            }
        }
        return words
    }

    /// The backticked keys in the first column of a section's table rows.
    static func firstColumnKeys(_ section: String) -> Set<String> {
        var keys: Set<String> = []
        for line in section.split(separator: "\n") where line.hasPrefix("| `") {
            keys.formUnion(backticked(line.split(separator: "|").first ?? ""))
        }
        return keys
    }

    /// The top-level keys, from the document's first code block (`"key": value`).
    static func documentKeys() -> Set<String> {
        let blocks = document.components(separatedBy: "```")
        guard blocks.count > 1 else { return [] }
        var keys: Set<String> = []
        for line in blocks[1].split(separator: "\n") {
            let parts = line.split(separator: "\"", omittingEmptySubsequences: false)
            if parts.count >= 3, parts[2].hasPrefix(":") { keys.insert(String(parts[1])) }
        }
        return keys
    }

    /// Expression kind → the keys its row documents (second column), from the Expression section.
    static func expressionFields() -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        for line in section("Expression").split(separator: "\n") where line.hasPrefix("| `") {
            let columns = line.split(separator: "|", omittingEmptySubsequences: false)
            guard columns.count >= 3 else { continue }
            for kind in backticked(columns[1]) { result[kind] = backticked(columns[2]) }
        }
        return result
    }

    private func check(_ object: [String: Any], allowed: Set<String>, required: Set<String>, _ what: String) {
        let keys = Set(object.keys)
        #expect(keys.subtracting(allowed).isEmpty, "\(what): undocumented keys \(keys.subtracting(allowed).sorted())")
        #expect(required.subtracting(keys).isEmpty, "\(what): missing keys \(required.subtracting(keys).sorted())")
    }

    @Test("every table, chain, rule, expression, set and object key of a real ruleset is documented")
    func keysAreDocumented() throws {
        #expect(!Self.document.isEmpty, "docs/ruleset-schema.md is readable")
        try withLab { lab in
            let namespace = try lab.namespace("jsn")
            try namespace.loadIptables(KubeProxyIptablesCorpus.generate(services: 24))
            try namespace.loadNft("""
                table inet jsonlab {
                    counter hits { }
                    set blocked { type ipv4_addr; flags interval; elements = { 192.0.2.0/24 } }
                    map ports { type inet_service : verdict; elements = { 22 : accept } }
                    set typed { typeof ip saddr . tcp dport; elements = { 10.0.0.1 . 22 } }
                    map marks { typeof ip daddr : meta mark; elements = { 10.0.0.2 : 0x10 } }
                    chain input {
                        comment "schema test"
                        type filter hook input priority 0; policy accept;
                        ip saddr @blocked counter drop
                        tcp dport vmap @ports
                        tcp dport 8080 counter name "hits" accept
                        meta l4proto udp limit rate 10/second log prefix "udp " accept
                    }
                }
                """)
            let run = try NfscopeCLI.run(["ruleset", "--netns", namespace.name, "--format", "json"])
            #expect(run.status == 0, "\(run.error)")
            let output = run.output
            let top = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])

            // Keys come sorted, as the document promises.
            let firstKeys = top.keys.sorted()
            if let firstKey = firstKeys.first {
                #expect(output.hasPrefix("{\"\(firstKey)\""), "the document's keys are sorted")
            }
            let topKeys = Self.documentKeys()
            check(top, allowed: topKeys, required: ["schema_version", "namespace", "generation", "tables"], "document")
            #expect(top["schema_version"] as? Int == 1)

            let tableKeys = Self.firstColumnKeys(Self.section("Table"))
            let chainKeys = Self.backticked(Self.section("Chain"))
            let ruleKeys = Self.firstColumnKeys(Self.section("Rule"))
            let setKeys = Self.backticked(Self.section("Set"))
            let objectKeys = Self.backticked(Self.section("Object"))
            let expressionFields = Self.expressionFields()
            #expect(tableKeys.contains("chains") && chainKeys.contains("rules") && ruleKeys.contains("expressions")
                        && topKeys.contains("generation") && expressionFields["cmp"]?.contains("data") == true,
                    "the document's sections were found")

            var kindsSeen: Set<String> = []
            var rules = 0
            var typeofSetsSeen = 0
            let tables = try #require(top["tables"] as? [[String: Any]])
            #expect(tables.count == 3, "nat, filter and inet jsonlab")
            for table in tables {
                let name = "\(table["family"] ?? "?") \(table["name"] ?? "?")"
                check(table, allowed: tableKeys, required: ["family", "name", "handle", "chains", "sets", "objects"], "table \(name)")
                for set in table["sets"] as? [[String: Any]] ?? [] {
                    check(set, allowed: setKeys, required: ["family", "table", "name", "key_type", "key_length", "elements"], "set in \(name)")
                    // typeof declarations are exposed as nft prints them, and only for sets declared so.
                    switch set["name"] as? String {
                    case "typed":
                        typeofSetsSeen += 1
                        #expect(set["key_typeof"] as? String == "ip saddr . tcp dport" && set["data_typeof"] == nil)
                    case "marks":
                        typeofSetsSeen += 1
                        #expect(set["key_typeof"] as? String == "ip daddr" && set["data_typeof"] as? String == "meta mark")
                    case "blocked", "ports":
                        #expect(set["key_typeof"] == nil && set["data_typeof"] == nil)
                    default: break
                    }
                    for element in set["elements"] as? [[String: Any]] ?? [] {
                        check(element, allowed: setKeys, required: ["key"], "set element in \(name)")
                    }
                }
                for object in table["objects"] as? [[String: Any]] ?? [] {
                    check(object, allowed: objectKeys, required: ["name", "type", "content"], "object in \(name)")
                }
                for chain in table["chains"] as? [[String: Any]] ?? [] {
                    check(chain, allowed: chainKeys, required: ["family", "table", "name", "handle", "rules"], "chain in \(name)")
                    if let base = chain["base"] as? [String: Any] {
                        check(base, allowed: chainKeys, required: ["hook", "hook_name", "priority", "type", "policy"], "base chain in \(name)")
                    }
                    for rule in chain["rules"] as? [[String: Any]] ?? [] {
                        rules += 1
                        check(rule, allowed: ruleKeys, required: ["family", "table", "chain", "handle", "expressions", "nft"], "rule in \(name)")
                        for expression in rule["expressions"] as? [[String: Any]] ?? [] {
                            let kind = try #require(expression["kind"] as? String)
                            kindsSeen.insert(kind)
                            let fields = try #require(expressionFields[kind], "expression kind \(kind) is documented")
                            check(expression, allowed: fields.union(["kind", "debug"]), required: ["kind", "debug"],
                                  "\(kind) expression in \(name)")
                        }
                    }
                }
            }
            #expect(rules > 100, "the corpus loaded")
            #expect(typeofSetsSeen == 2, "both typeof sets were in the snapshot")
            #expect(kindsSeen.isSuperset(of: ["payload", "cmp", "meta", "immediate", "counter", "match", "target", "lookup", "limit", "log", "objref"]),
                    "the ruleset exercised the common kinds: \(kindsSeen.sorted())")
        }
    }
}
