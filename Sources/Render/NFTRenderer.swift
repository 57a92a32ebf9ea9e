import NFTables

/// Renders rules and rulesets in nft syntax, as `nft list ruleset` prints them.
public struct NFTRenderer: Sendable {
    public var structure: RulesetStructure
    public var namespace: String?

    public init(structure: RulesetStructure, namespace: String? = nil) {
        self.structure = structure
        self.namespace = namespace
    }

    /// One rule as nft prints it inside its chain (without indentation).
    public func render(_ rule: Rule) -> RenderedRule {
        let setLookup = { (name: String) in structure.set(named: name, family: rule.family, table: rule.table) }
        let delinearizer = Delinearizer(family: rule.family, set: setLookup)
        let printer = NFTStatementText(family: rule.family, set: setLookup)
        var text = delinearizer.statements(rule.expressions).map(printer.text).joined(separator: " ")
        if let comment = rule.comment { text += (text.isEmpty ? "" : " ") + "comment \"\(comment)\"" }
        return RenderedRule(namespace: namespace, family: rule.family, table: rule.table, chain: rule.chain,
                            handle: rule.handle, text: text)
    }

    /// The elements of a set as nft prints them (`10.0.0.0/8`, `10.96.0.10 . tcp . 53 : goto svc`).
    public static func elementTexts(of set: NFTSet) -> [String] { SetText(set: set).elementTexts() }

    /// The set's `typeof` description as nft 1.0.6 prints it (`ip saddr . tcp dport`, data `meta mark` or
    /// `verdict`); nil when nft would print a `type` line instead.
    public static func typeofTexts(of set: NFTSet) -> (key: String, data: String?)? {
        SetText.typeof(set).map { ($0.key.text, $0.data?.text) }
    }

    /// The lines that open a table and declare its objects, sets and flowtables.
    public func tableOpening(_ table: Table) -> String {
        var items: [String] = []
        for object in structure.objects where object.family == table.family && object.table == table.name {
            items.append(ObjectText.declaration(object))
        }
        for set in structure.sets where set.family == table.family && set.table == table.name && !set.isAnonymous {
            items.append(SetText(set: set).declaration())
        }
        for flowtable in structure.flowtables where flowtable.family == table.family && flowtable.table == table.name {
            items.append(ObjectText.declaration(flowtable))
        }
        var text = "table \(table.family) \(table.name) {\n"
        let flags = Self.flagNames(table)
        // nft's table_print: after a flags line every item, the first included, follows a blank line.
        if !flags.isEmpty { text += "\tflags " + flags.joined(separator: ",") + "\n" }
        if let comment = table.comment { text += "\tcomment \"\(comment)\"\n" }
        if !items.isEmpty { text += (flags.isEmpty ? "" : "\n") + items.joined(separator: "\n\n") + "\n" }
        return text
    }

    static func flagNames(_ table: Table) -> [String] {
        var names: [String] = []
        if table.flags.contains(.dormant) { names.append("dormant") }
        if table.flags.contains(.owner) { names.append("owner") }
        if table.flags.contains(.persist) { names.append("persist") }
        return names
    }

    /// A chain with its rules, indented as inside a table.
    public func chainText(_ chain: Chain, rules: [Rule]) -> String {
        chainOpening(chain) + rulesText(rules) + "\t}"
    }

    /// The rules of a chain, one indented line each.
    public func rulesText(_ rules: [Rule]) -> String {
        var text = ""
        for rule in rules { text += "\t\t" + render(rule).text + "\n" }
        return text
    }

    /// `chain NAME {` and the base-chain line.
    public func chainOpening(_ chain: Chain) -> String {
        var text = "\tchain \(chain.name) {\n"
        if let comment = chain.comment { text += "\t\tcomment \"\(comment)\"\n" }
        if let base = chain.base {
            var line = "\t\ttype \(base.type) hook \(base.hook.name(in: chain.family))"
            if base.devices.count == 1 { line += " device \"\(base.devices[0])\"" }
            // nft lists several devices sorted by name.
            if base.devices.count > 1 { line += " devices = { " + base.devices.sorted().joined(separator: ", ") + " }" }
            line += " priority \(Self.priorityName(base.priority, hook: base.hook, family: chain.family))"
            line += "; policy \(base.policy);"
            text += line + "\n"
        }
        return text
    }

    /// nft's standard priority names (`filter`, `dstnat`, `mangle - 5`), as `std_prio_lookup` prints them.
    public static func priorityName(_ priority: Int32, hook: Hook, family: NFTFamily) -> String {
        var names: [(String, Int32)]
        if family == .bridge {
            names = [("filter", -200), ("out", 100)]
            if hook == .prerouting { names.append(("dstnat", -300)) }
            if hook == .postrouting { names.append(("srcnat", 300)) }
        } else if family == .netdev || family == .arp {
            names = [("filter", 0)]
        } else {
            names = [("raw", -300), ("mangle", -150), ("filter", 0), ("security", 50)]
            if hook == .prerouting { names.append(("dstnat", -100)) }
            if hook == .postrouting { names.append(("srcnat", 100)) }
        }
        for (name, value) in names where value == priority { return name }
        for (name, value) in names {
            let offset = Int64(priority) - Int64(value)
            if abs(offset) <= 10 { return offset > 0 ? "\(name) + \(offset)" : "\(name) - \(-offset)" }
        }
        return "\(priority)"
    }
}

/// Streams a ruleset in nft syntax: tables open when their first chain arrives, close when the next
/// table starts or at `finish()`, so only one chain's rules are in memory at a time.
public final class NFTRulesetWriter {
    /// Renders rule lines; Sendable, so that the threads of a parallel read render their own chains.
    public let renderer: NFTRenderer
    private let output: (String) -> Void
    private var nextTable = 0
    private var openTable: Int?
    private var chainsWritten = 0
    private let declarations: Bool

    /// - Parameter chainsOnly: print only tables that have chains, without their sets, objects and
    ///   flowtables, as `nft list chain` does (for a read filtered to one chain).
    public init(structure: RulesetStructure, namespace: String? = nil, chainsOnly: Bool = false,
                output: @escaping (String) -> Void) {
        self.renderer = NFTRenderer(structure: structure, namespace: namespace)
        self.output = output
        self.declarations = !chainsOnly
    }

    /// Writes rules of a chain: the first batch of a chain opens it (and its table, closing earlier
    /// ones); later batches of the same chain continue it.
    public func write(chain: Chain, rules: [Rule]) {
        let key = ChainKey(family: chain.family, table: chain.table, handle: chain.handle)
        if key != openChain {
            guard let index = renderer.structure.tables.firstIndex(where: { $0.family == chain.family && $0.name == chain.table }) else { return }
            closeChain()
            advance(to: index)
            output((chainsWritten > 0 || (declarations && hasDeclarations(index)) ? "\n" : "") + renderer.chainOpening(chain))
            openChain = key
            chainsWritten += 1
        }
        output(renderer.rulesText(rules))
    }

    /// Writes a chain whose rule lines were rendered elsewhere (`renderer.rulesText`, on a reading thread):
    /// the same as one `write(chain:rules:)` carrying all of the chain's rules.
    public func write(chain: Chain, renderedRules text: String) {
        write(chain: chain, rules: [])
        if !text.isEmpty { output(text) }
    }

    /// Closes the last table and writes tables that had no chains.
    public func finish() {
        closeChain()
        advance(to: renderer.structure.tables.count)
    }

    private struct ChainKey: Equatable {
        var family: NFTFamily
        var table: String
        var handle: UInt64
    }
    private var openChain: ChainKey?

    private func closeChain() {
        if openChain != nil { output("\t}\n") }
        openChain = nil
    }

    private func advance(to index: Int) {
        if openTable == index { return }
        if openTable != nil { output("}\n") }
        openTable = nil
        while nextTable < index {
            if declarations { output(renderer.tableOpening(renderer.structure.tables[nextTable]) + "}\n") }
            nextTable += 1
        }
        if index < renderer.structure.tables.count {
            let table = renderer.structure.tables[index]
            output(declarations ? renderer.tableOpening(table) : "table \(table.family) \(table.name) {\n")
            openTable = index
            nextTable = index + 1
            chainsWritten = 0
        }
    }

    private func hasDeclarations(_ index: Int) -> Bool {
        let table = renderer.structure.tables[index]
        let s = renderer.structure
        return s.objects.contains { $0.family == table.family && $0.table == table.name }
            || s.sets.contains { $0.family == table.family && $0.table == table.name && !$0.isAnonymous }
            || s.flowtables.contains { $0.family == table.family && $0.table == table.name }
            || !NFTRenderer.flagNames(table).isEmpty
    }
}
