import Foundation
import Legacy
import NFScope

/// Streams the ruleset snapshot JSON (docs/ruleset-schema.md, `schema_version` 1): the document frame is
/// written by hand and every table header and chain is encoded on its own, so only one chain's rules are
/// decoded at a time. Keys are snake_case and sorted; numbers are kernel values.
final class RulesetJSONWriter {
    static let schemaVersion = 1

    private let structure: RulesetStructure
    private let namespace: String
    private let output: (String) -> Void
    private let encoder = JSONOutput.encoder(pretty: false)
    private var nextTable = 0
    private var openTable: Int?
    private var chainsInTable = 0

    private let ipsetName: (@Sendable (UInt16) -> String?)?

    /// - Parameter legacyTables: iptables-legacy tables written as `legacy_tables` (the key is left out
    ///   when there are none, so a namespace without them prints what it printed before).
    init(structure: RulesetStructure, namespace: String, legacyTables: [LegacyTable] = [],
         ipsetName: (@Sendable (UInt16) -> String?)? = nil, output: @escaping (String) -> Void) throws {
        self.ipsetName = ipsetName
        self.structure = structure
        self.namespace = namespace
        self.output = output
        let legacy = legacyTables.isEmpty ? "" : "\"legacy_tables\":" + (try Self.legacyArray(legacyTables)) + ","
        output("{\"generation\":\(structure.generation),\(legacy)\"namespace\":\(Self.quoted(namespace)),"
               + "\"schema_version\":\(Self.schemaVersion),\"tables\":[")
    }

    private var openChain: (family: NFTFamily, table: String, handle: UInt64)?
    private var rulesInChain = 0
    private lazy var renderer = NFTRenderer(structure: structure, namespace: namespace)
    private lazy var iptables: [NFTFamily: IptablesSaveWriter] = [
        .ip: IptablesSaveWriter(structure: structure, family: .ip, namespace: namespace, ipsetName: ipsetName) { _ in },
        .ip6: IptablesSaveWriter(structure: structure, family: .ip6, namespace: namespace, ipsetName: ipsetName) { _ in },
    ]

    /// Writes rules of a chain; consecutive batches of one chain continue its `rules` array.
    func write(chain: Chain, rules: [Rule]) throws {
        if openChain.map({ $0.family != chain.family || $0.table != chain.table || $0.handle != chain.handle }) ?? true {
            guard let index = structure.tables.firstIndex(where: { $0.family == chain.family && $0.name == chain.table }) else { return }
            closeChain()
            try advance(to: index)
            var header = try encode(ChainDocument(chain: chain))
            header.removeLast()  // the closing brace: the rules follow
            output((chainsInTable > 0 ? "," : "") + header + ",\"rules\":[")
            openChain = (chain.family, chain.table, chain.handle)
            chainsInTable += 1
            rulesInChain = 0
        }
        for rule in rules {
            output((rulesInChain > 0 ? "," : "") + (try encode(document(for: rule))))
            rulesInChain += 1
        }
    }

    private func document(for rule: Rule) -> RuleDocument {
        var iptablesText: String?
        var note: String?
        if let writer = iptables[rule.family], IptablesSaveWriter.tableOrder.contains(rule.table) {
            let rendered = writer.render(rule)
            if rendered.note == nil { iptablesText = rendered.text } else { note = rendered.note }
        }
        return RuleDocument(rule: rule, nft: renderer.render(rule).text, iptables: iptablesText, iptablesNote: note)
    }

    private func closeChain() {
        if openChain != nil { output("]}") }
        openChain = nil
    }

    func finish() throws {
        closeChain()
        try advance(to: structure.tables.count)
        output("]}\n")
    }

    private func advance(to index: Int) throws {
        if openTable == index { return }
        if openTable != nil { output("]}") }
        openTable = nil
        while nextTable < index {
            output(try tableOpening(nextTable) + "]}")
            nextTable += 1
        }
        if index < structure.tables.count {
            output(try tableOpening(index))
            openTable = index
            nextTable = index + 1
            chainsInTable = 0
        }
    }

    /// The table object up to its `"chains":[`, which the chains then fill.
    private func tableOpening(_ index: Int) throws -> String {
        let table = structure.tables[index]
        let mine = { (family: NFTFamily, name: String) in family == table.family && name == table.name }
        let header = TableDocument(
            table: table,
            sets: structure.sets.filter { mine($0.family, $0.table) }.map(SetDocument.init),
            objects: structure.objects.filter { mine($0.family, $0.table) },
            flowtables: structure.flowtables.filter { mine($0.family, $0.table) })
        var text = try encode(header)
        text.removeLast()  // the closing brace: chains follow
        return (index > 0 ? "," : "") + text + ",\"chains\":["
    }

    private func encode<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func quoted(_ text: String) -> String {
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

/// A table's own fields, sets, objects and flowtables (chains are appended by the writer).
struct TableDocument: Encodable {
    var family: String
    var name: String
    var handle: UInt64
    var flags: [String]
    var comment: String?
    var owner: UInt32?
    var sets: [SetDocument]
    var objects: [StatefulObject]
    var flowtables: [Flowtable]

    init(table: Table, sets: [SetDocument], objects: [StatefulObject], flowtables: [Flowtable]) {
        family = table.family.description
        name = table.name
        handle = table.handle
        var flags: [String] = []
        if table.flags.contains(.dormant) { flags.append("dormant") }
        if table.flags.contains(.owner) { flags.append("owner") }
        if table.flags.contains(.persist) { flags.append("persist") }
        self.flags = flags
        comment = table.comment
        owner = table.owner
        self.sets = sets
        self.objects = objects
        self.flowtables = flowtables
    }
}

/// A set with its kernel fields and elements, plus its nft datatype names and nft text elements.
struct SetDocument: Encodable {
    var set: NFTSet
    var keyTypeNames: [String]
    var dataTypeNames: [String]?
    var nftElements: [String]
    /// `typeof` texts, when nft prints the set with `typeof`.
    var keyTypeof: String?
    var dataTypeof: String?

    init(_ set: NFTSet) {
        self.set = set
        keyTypeNames = DataType.concatenation(set.keyType).map(\.name)
        dataTypeNames = set.dataType.map { $0 == 0xffff_ff00 ? ["verdict"] : DataType.concatenation($0).map(\.name) }
        nftElements = NFTRenderer.elementTexts(of: set)
        let typeof = NFTRenderer.typeofTexts(of: set)
        keyTypeof = typeof?.key
        dataTypeof = typeof?.data
    }

    private enum Keys: String, CodingKey { case keyTypeNames, dataTypeNames, nftElements, comment, keyTypeof, dataTypeof }

    func encode(to encoder: Encoder) throws {
        try set.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(keyTypeNames, forKey: .keyTypeNames)
        try container.encodeIfPresent(dataTypeNames, forKey: .dataTypeNames)
        try container.encode(nftElements, forKey: .nftElements)
        try container.encodeIfPresent(set.comment, forKey: .comment)
        try container.encodeIfPresent(keyTypeof, forKey: .keyTypeof)
        try container.encodeIfPresent(dataTypeof, forKey: .dataTypeof)
    }
}

/// A chain's kernel fields and comment (its `rules` are appended by the writer, batch by batch).
struct ChainDocument: Encodable {
    var chain: Chain

    private enum Keys: String, CodingKey { case comment }

    func encode(to encoder: Encoder) throws {
        try chain.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encodeIfPresent(chain.comment, forKey: .comment)
    }
}

/// A rule: kernel fields and expressions, its nft text, and its iptables text for tables iptables-nft wrote.
struct RuleDocument: Encodable {
    var rule: Rule
    var nft: String
    var iptables: String?
    var iptablesNote: String?

    private enum Keys: String, CodingKey { case nft, iptables, iptablesNote, comment }

    func encode(to encoder: Encoder) throws {
        try rule.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(nft, forKey: .nft)
        try container.encodeIfPresent(iptables, forKey: .iptables)
        try container.encodeIfPresent(iptablesNote, forKey: .iptablesNote)
        try container.encodeIfPresent(rule.comment, forKey: .comment)
    }
}
