import Netlink
import NFTables

/// Streams tables written by iptables-nft in `iptables-nft-save` (1.8.9) format: `*table`, chain headers
/// (built-in chains first, in hook order, then user chains sorted by name), `-A` lines chain by chain,
/// `COMMIT`. A rule without an iptables form is printed as a `# nfscope:` comment holding its nft syntax.
public final class IptablesSaveWriter {
    /// The tables iptables knows, in the order iptables-nft-save prints them.
    public static let tableOrder = ["mangle", "security", "raw", "filter", "nat"]
    /// Built-in chains per table, in hook order.
    public static let builtinChains: [String: [String]] = [
        "filter": ["INPUT", "FORWARD", "OUTPUT"],
        "nat": ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
        "mangle": ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
        "raw": ["PREROUTING", "OUTPUT"],
        "security": ["INPUT", "FORWARD", "OUTPUT"],
    ]

    public let structure: RulesetStructure
    public let family: NFTFamily
    public let namespace: String?
    private let output: (String) -> Void
    private let onRule: ((RenderedRule) -> Void)?
    /// Renders `-A` lines; Sendable, so that the threads of a parallel read render their own chains.
    public let lines: IptablesLineRenderer
    private let tables: [Table]
    private var nextTable = 0
    private var openTable: Int?

    /// - Parameters:
    ///   - family: `.ip` for iptables-save, `.ip6` for ip6tables-save.
    ///   - onRule: called with every rendered rule (namespace, table, chain, handle kept), for callers
    ///     that point at single rules.
    ///   - ipsetName: names ipsets by index (`IPSetNameResolver` in NFScope asks the namespace's kernel).
    public init(structure: RulesetStructure, family: NFTFamily, namespace: String? = nil,
                ipsetName: (@Sendable (UInt16) -> String?)? = nil,
                onRule: ((RenderedRule) -> Void)? = nil, output: @escaping (String) -> Void) {
        self.lines = IptablesLineRenderer(structure: structure, namespace: namespace,
                                          decoder: IptablesDecoder(family: family, ipsetName: ipsetName))
        self.structure = structure
        self.family = family
        self.namespace = namespace
        self.output = output
        self.onRule = onRule
        self.tables = Self.tableOrder.compactMap { name in
            structure.tables.first { $0.family == family && $0.name == name }
        }
    }

    /// The chains in the order iptables-save prints them.
    public static func chainOrder(_ structure: RulesetStructure, family: NFTFamily) -> [Chain] {
        chainOrderIndices(structure, family: family).map { structure.chains[$0] }
    }

    /// The same order as indices into `structure.chains`, for `RulesetReader.stream(order:)`.
    public static func chainOrderIndices(_ structure: RulesetStructure, family: NFTFamily) -> [Int] {
        tableOrder.flatMap { orderedIndices(of: $0, in: structure, family: family) }
    }

    /// One table's chains as indices: built-in chains in hook order, then user chains in strcmp order.
    static func orderedIndices(of table: String, in structure: RulesetStructure, family: NFTFamily) -> [Int] {
        let chains = structure.chains
        let mine = chains.indices.filter { chains[$0].family == family && chains[$0].table == table }
        let builtin = builtinChains[table] ?? []
        let base = builtin.compactMap { name in mine.first { chains[$0].name == name } }
        let user = mine.filter { !builtin.contains(chains[$0].name) }
        // The names pulled out once: the sort compares 79,000 of them ~17 times each, and reaching a name
        // through `chains[i]` there copied the whole chain.
        let names = user.map { chains[$0].name }
        // For ASCII names (all of them in practice) String's `<` is strcmp's order and much faster.
        let ascii = names.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } }
        let sorted = names.indices.sorted { a, b in
            ascii ? names[a] < names[b] : names[a].utf8.lexicographicallyPrecedes(names[b].utf8)
        }
        return base + sorted.map { user[$0] }
    }

    /// The chains in iptables-save's order as indices into `structure.chains`, like
    /// `chainOrderIndices(_:family:)`, sorted once per table for the read and the table headers alike (a
    /// 75,000-chain nat table takes a while to sort).
    public func chainOrderIndices() -> [Int] {
        Self.tableOrder.flatMap { orderedIndices(of: $0) }
    }

    private var tableChainOrders: [String: [Int]] = [:]

    private func orderedIndices(of table: String) -> [Int] {
        if let known = tableChainOrders[table] { return known }
        let order = Self.orderedIndices(of: table, in: structure, family: family)
        tableChainOrders[table] = order
        return order
    }

    /// Whether no iptables table of this family exists (nothing will be printed).
    public var isEmpty: Bool { tables.isEmpty }

    /// Tables of this family that iptables does not know (`table ip kube-proxy`).
    public var foreignTables: [Table] {
        structure.tables.filter { $0.family == family && !Self.tableOrder.contains($0.name) }
    }

    /// One rule as `-A CHAIN ...`, or its nft form behind a `# nfscope:` note.
    public func render(_ rule: Rule) -> RenderedRule { lines.render(rule) }

    public func write(chain: Chain, rules: [Rule]) {
        guard let index = tableIndex(of: chain) else { return }
        advance(to: index)
        for rule in rules {
            // Without an `onRule` listener no `RenderedRule` is built (its strings cost retains per rule).
            if let onRule {
                let rendered = render(rule)
                onRule(rendered)
                output(rendered.text + "\n")
            } else {
                var text = ""
                lines.append(rule, to: &text)
                output(text)
            }
        }
    }

    /// Writes a chain's lines rendered elsewhere (by `lines`, on a reading thread): the chain's table opens
    /// first, as with `write(chain:rules:)`. Called once per chain, in iptables-save's chain order.
    public func write(chain: Chain, renderedLines text: String) {
        guard let index = tableIndex(of: chain) else { return }
        advance(to: index)
        if !text.isEmpty { output(text) }
    }

    private func tableIndex(of chain: Chain) -> Int? {
        guard chain.family == family else { return nil }
        return tables.firstIndex { $0.name == chain.table }
    }

    public func finish() { advance(to: tables.count) }

    private func advance(to index: Int) {
        if openTable == index { return }
        if openTable != nil { output("COMMIT\n# Completed by nfscope\n") }
        openTable = nil
        while nextTable < index {
            output(header(tables[nextTable]) + "COMMIT\n# Completed by nfscope\n")
            nextTable += 1
        }
        if index < tables.count {
            output(header(tables[index]))
            openTable = index
            nextTable = index + 1
        }
    }

    /// `*nat` and the chain lines; built-in chains missing from the kernel print as `ACCEPT [0:0]`, as
    /// iptables-nft-save does.
    private func header(_ table: Table) -> String {
        var text = "# Generated by nfscope (iptables-nft-save format)\n*\(table.name)\n"
        let chains = orderedIndices(of: table.name).map { structure.chains[$0] }
        for name in Self.builtinChains[table.name] ?? [] {
            let chain = chains.first { $0.name == name }
            let policy = chain?.base?.policy == .drop ? "DROP" : "ACCEPT"
            let counters = chain?.counters.map { "[\($0.packets):\($0.bytes)]" } ?? "[0:0]"
            text += ":\(name) \(policy) \(counters)\n"
        }
        for chain in chains where !(Self.builtinChains[table.name] ?? []).contains(chain.name) {
            text += ":\(chain.name) - [0:0]\n"
        }
        return text
    }
}

/// The `-A` lines of rules, as `IptablesSaveWriter` prints them; a rule without an iptables form becomes a
/// `# nfscope:` comment with its nft syntax. A value with no state: reading threads share it.
public struct IptablesLineRenderer: Sendable {
    public let structure: RulesetStructure
    public let namespace: String?
    let decoder: IptablesDecoder

    /// One rule as `-A CHAIN ...`, or its nft form behind a `# nfscope:` note.
    public func render(_ rule: Rule) -> RenderedRule {
        let (text, note) = renderText(rule)
        return RenderedRule(namespace: namespace, family: rule.family, table: rule.table, chain: rule.chain,
                            handle: rule.handle, text: text, note: note)
    }

    /// Appends the rules' lines, each ended by a newline. The lines are built as bytes and joined to `text`
    /// once: appending each argument to a `String` went through String's general append (uniqueness,
    /// capacity and ASCII checks, ~350 instructions for a short argument), 10% of a whole ruleset read.
    public func append(_ rules: [Rule], to text: inout String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(rules.count * 160)
        for rule in rules { append(rule, to: &bytes) }
        text += String(decoding: bytes, as: UTF8.self)
    }

    /// One rule's line and its newline, as UTF-8 bytes (the same text as `append(_:to:)` on a `String`).
    public func append(_ rule: Rule, to bytes: inout [UInt8]) {
        switch decoder.decode(rule) {
        case .rule(let iptables): appendLine(chain: rule.chain, iptables, to: &bytes)
        case .unrepresentable(let reason, _):
            bytes.append(contentsOf: unrepresentableText(rule, reason: reason).utf8)
            bytes.append(0x0A)
        }
    }

    /// One rule's line straight from its `NFT_MSG_NEWRULE` message in `chain`, without decoding a `Rule`
    /// (`IptablesDecoder.decode(_: RuleMessageBytes)`): false, with nothing appended, when the rule needs the
    /// general path (`Rule(message:)` and `append(_:to:)`), which then gives the same line, note or error.
    public func append(message: NetlinkMessage, chain: String, to bytes: inout [UInt8]) -> Bool {
        guard let rule = RuleMessageBytes(message: message), rule[rule.chain].elementsEqual(chain.utf8),
              case .rule(let iptables)? = decoder.decode(rule) else { return false }
        appendLine(chain: chain, iptables, to: &bytes)
        return true
    }

    private func appendLine(chain: String, _ iptables: IptablesRule, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: "-A ".utf8)
        bytes.append(contentsOf: chain.utf8)
        for argument in iptables.arguments {
            bytes.append(0x20)
            bytes.append(contentsOf: argument.utf8)
        }
        bytes.append(0x0A)
    }

    /// Appends one rule's line and its newline, grown in place: no `["-A", chain] + arguments` array and no
    /// join (this runs for every rule).
    func append(_ rule: Rule, to text: inout String) {
        switch decoder.decode(rule) {
        case .rule(let iptables):
            text += "-A "
            text += rule.chain
            for argument in iptables.arguments {
                text += " "
                text += argument
            }
            text += "\n"
        case .unrepresentable(let reason, _):
            text += unrepresentableText(rule, reason: reason)
            text += "\n"
        }
    }

    /// The line and, for a rule without an iptables form, why.
    private func renderText(_ rule: Rule) -> (text: String, note: String?) {
        switch decoder.decode(rule) {
        case .rule(let iptables):
            var text = "-A "
            text.reserveCapacity(128)
            text += rule.chain
            for argument in iptables.arguments {
                text += " "
                text += argument
            }
            return (text, nil)
        case .unrepresentable(let reason, _):
            return (unrepresentableText(rule, reason: reason), reason)
        }
    }

    private func unrepresentableText(_ rule: Rule, reason: String) -> String {
        let nft = NFTRenderer(structure: structure, namespace: namespace).render(rule).text
        return "# nfscope: -A \(rule.chain) has no iptables form (\(reason)); nft: \(nft)"
    }
}

extension IptablesSaveWriter {
    /// What each thread of a parallel read does with a chain for these writers: `-A` lines as UTF-8 bytes,
    /// most rules straight from their messages (`IptablesLineRenderer.append(message:chain:to:)`), the rest
    /// decoded first. Chains of a family without a writer give no lines. Hand each part to
    /// `write(chain:renderedLines:)` of the chain's family.
    public static func chainWork(_ writers: [NFTFamily: IptablesSaveWriter]) -> ChainWork<[UInt8]> {
        let lines = writers.mapValues(\.lines)
        return ChainWork(initial: [], add: { chain, rules, bytes in
            guard let renderer = lines[chain.family] else { return }
            for rule in rules { renderer.append(rule, to: &bytes) }
        }, addMessage: { chain, message, bytes in
            // A family without a writer: "taken", so that its rules are not decoded only to be dropped.
            guard let renderer = lines[chain.family] else { return true }
            return renderer.append(message: message, chain: chain.name, to: &bytes)
        })
    }

    /// Writes a chain's lines rendered by `chainWork` (UTF-8 bytes).
    public func write(chain: Chain, renderedBytes bytes: [UInt8]) {
        write(chain: chain, renderedLines: String(decoding: bytes, as: UTF8.self))
    }
}
