import NetCore
import Netlink
import SystemPackage

/// Reads a namespace's nf_tables ruleset over a netfilter netlink connection, consistently.
///
/// The read follows nftables' `cache.c`: the generation id is fetched before and after; a changed id or a
/// dump flagged `NLM_F_DUMP_INTR` replays the whole read, up to `maxAttempts` times. Rules are dumped one
/// chain at a time (`NFTA_RULE_TABLE` + `NFTA_RULE_CHAIN` in the request), because a single dump across
/// chains makes the kernel re-walk every rule from the start on each ~32 KiB continuation, which is
/// quadratic (12.5 s against 1.3 s on a 10,000-service kube-proxy ruleset).
public final class RulesetReader {
    public let connection: NetlinkConnection
    public let maxAttempts: Int

    public init(connection: NetlinkConnection, maxAttempts: Int = 5) {
        self.connection = connection
        self.maxAttempts = maxAttempts
    }

    /// The current ruleset generation id (`NFT_MSG_GETGEN` → `NFTA_GEN_ID`).
    public func generation() throws -> UInt32 {
        let request = NFTMessage.request(.getGeneration, family: .unspecified)
        for reply in try connection.request(request, operation: .get("nftables generation")) {
            guard NFTMessage(netlinkType: reply.header.type) == .newGeneration else { continue }
            let a = try ExpressionAttributes(reply.attributes(afterFamilyHeader: NFTMessage.familyHeaderSize, path: "gen"))
            return try a.requiredU32(1, "id")
        }
        throw DecodeError(path: "gen", offset: 0, reason: "no NFT_MSG_NEWGEN in the reply")
    }

    /// Reads the ruleset and hands it over as it goes: the structure first, then each chain's rules.
    /// On a replay, `.restart` tells the handler to drop what it received.
    ///
    /// - Parameter order: the chains whose rules to read, as indices into `structure.chains`, in the order to
    ///   read them (iptables-save lists built-in chains first and user chains sorted); by default every
    ///   chain, in kernel order. Indices rather than chains keep a 79,000-chain read from copying them.
    public func stream(_ filter: RulesetFilter = RulesetFilter(), order: ((RulesetStructure) -> [Int])? = nil,
                       _ handler: (RulesetEvent) throws -> Void) throws {
        for attempt in 1...max(1, maxAttempts) {
            if attempt > 1 { try handler(.restart(attempt: attempt)) }
            let before = try generation()
            var consistent = true
            let structure = try readStructure(filter, generation: before, consistent: &consistent)
            if consistent {
                try handler(.structure(structure))
                for index in order?(structure) ?? Array(structure.chains.indices) {
                    let chain = structure.chains[index]
                    guard filter.chain == nil || filter.chain == chain.name else { continue }
                    if try streamRules(of: chain, handler) != nil { consistent = false; break }
                }
            }
            if consistent, try generation() == before { return }
        }
        throw NetlinkError(operation: .dump("nftables ruleset"), errno: .resourceTemporarilyUnavailable,
                           kernelMessage: "the ruleset changed during every one of \(maxAttempts) reads",
                           namespace: connection.namespace)
    }

    /// The structure with only the base chains (the ones on hooks), read consistently, for readers that
    /// fetch other chains by name when they need them: a kube-proxy node has 75,000 regular chains that a
    /// trace never meets. Regular chains are skipped before they are decoded.
    public func baseStructure(_ filter: RulesetFilter = RulesetFilter()) throws -> RulesetStructure {
        for _ in 1...max(1, maxAttempts) {
            let before = try generation()
            var consistent = true
            let structure = try readStructure(filter, generation: before, consistent: &consistent, baseChainsOnly: true)
            if consistent, try generation() == before { return structure }
        }
        throw NetlinkError(operation: .dump("nftables ruleset"), errno: .resourceTemporarilyUnavailable,
                           kernelMessage: "the ruleset changed during every one of \(maxAttempts) reads",
                           namespace: connection.namespace)
    }

    /// Reads the whole ruleset into memory.
    public func snapshot(_ filter: RulesetFilter = RulesetFilter()) throws -> RulesetSnapshot {
        var structure = RulesetStructure()
        var rules: [Rule] = []
        try stream(filter) { event in
            switch event {
            case .structure(let value): structure = value
            case .rules(_, let chainRules): rules += chainRules
            case .restart: rules = []
            }
        }
        return RulesetSnapshot(structure: structure, rules: rules)
    }

    // MARK: - The dumps

    func readStructure(_ filter: RulesetFilter, generation: UInt32, consistent: inout Bool,
                       baseChainsOnly: Bool = false) throws -> RulesetStructure {
        var structure = RulesetStructure(generation: generation)
        consistent = try dump(.getTable, scope: Scope(family: filter.family ?? .unspecified, table: nil), object: "tables") {
            structure.tables.append(try Table(message: $0))
        } && consistent
        structure.tables.removeAll { !filter.matches(family: $0.family, table: $0.name) }
        let tableNames = Set(structure.tables.map { TableKey(family: $0.family, name: $0.name) })
        let keep = { (f: NFTFamily, t: String) in tableNames.contains(TableKey(family: f, name: t)) }
        // The kernel resolves a table filter by name *and* family (`nft_table_lookup`), so a filtered read
        // asks once per matching table; an unfiltered one dumps each kind once.
        let scopes = filter.table == nil
            ? [Scope(family: filter.family ?? .unspecified, table: nil)]
            : structure.tables.map { Scope(family: $0.family, table: $0.name) }
        // A table's use count covers its chains (and sets, objects, flowtables): reserving it spares the
        // 79,000-chain array its doublings, each of which held the old and the new copy at once.
        structure.chains.reserveCapacity(min(1 << 20, structure.tables.reduce(0) { $0 + Int($1.use) }))
        for scope in scopes {
            consistent = try dump(.getChain, scope: scope, object: "chains") {
                if baseChainsOnly, try !Self.hasHook($0) { return }
                let chain = try Chain(message: $0)
                if keep(chain.family, chain.table) { structure.chains.append(chain) }
            } && consistent
            consistent = try dump(.getSet, scope: scope, object: "sets") {
                let set = try NFTSet(message: $0)
                if keep(set.family, set.table) { structure.sets.append(set) }
            } && consistent
            consistent = try dump(.getObject, scope: scope, object: "objects") {
                let object = try StatefulObject(message: $0)
                if keep(object.family, object.table) { structure.objects.append(object) }
            } && consistent
            consistent = try dump(.getFlowtable, scope: scope, object: "flowtables") {
                let flowtable = try Flowtable(message: $0)
                if keep(flowtable.family, flowtable.table) { structure.flowtables.append(flowtable) }
            } && consistent
        }
        if let name = filter.chain { structure.chains.removeAll { $0.name != name } }
        // Chains in table order (the kernel lists them per table already; this keeps filtered reads alike).
        let order = Dictionary(structure.tables.enumerated().map { (TableKey(family: $1.family, name: $1.name), $0) },
                               uniquingKeysWith: { a, _ in a })
        structure.chains = stableSorted(structure.chains) { order[TableKey(family: $0.family, name: $0.table)] ?? 0 }
        for index in structure.sets.indices {
            consistent = try dumpElements(of: &structure.sets[index]) && consistent
        }
        return structure
    }

    /// Whether a chain message carries `NFTA_CHAIN_HOOK` (a base chain), without decoding it.
    private static func hasHook(_ message: NetlinkMessage) throws -> Bool {
        var cursor = try message.attributes(afterFamilyHeader: NFTMessage.familyHeaderSize, path: "chain").makeCursor()
        while let attribute = try cursor.next() {
            if attribute.type == 4 { return true }  // NFTA_CHAIN_HOOK
        }
        return false
    }

    /// A dump's family and optional table (`NFTA_*_TABLE`, attribute 1 for every object kind).
    private struct Scope {
        var family: NFTFamily
        var table: String?
    }

    /// One dump of tables, chains, sets, objects or flowtables; returns whether it was consistent.
    /// `EOPNOTSUPP` (a kernel without flowtables) and `ENOENT` (a table that vanished: the generation check
    /// then replays) read as empty.
    private func dump(_ message: NFTMessage, scope: Scope, object: String,
                      _ body: (NetlinkMessage) throws -> Void) throws -> Bool {
        var request = NFTMessage.request(message, family: scope.family)
        if let table = scope.table { request.append(1, string: table) }
        let expected = NFTMessage(rawValue: message.rawValue - 1)
        do {
            return try connection.dump(request, operation: .dump("nftables \(object)")) { reply in
                guard NFTMessage(netlinkType: reply.header.type) == expected else { return }
                try body(reply)
            } == nil
        } catch let error as NetlinkError where error.errno == .notSupported || error.errno == .noSuchFileOrDirectory {
            return true
        }
    }

    private func dumpElements(of set: inout NFTSet) throws -> Bool {
        var request = NFTMessage.request(.getSetElement, family: set.family)
        request.append(1, string: set.table)
        request.append(2, string: set.name)
        var elements: [SetElement] = []
        let result = try connection.dump(request, operation: .dump("nftables set elements of \(set.name)")) { reply in
            guard NFTMessage(netlinkType: reply.header.type) == .newSetElement else { return }
            elements += try SetElement.elements(message: reply)
        }
        set.elements = elements
        return result == nil
    }

    /// How many decoded rules a `.rules` event carries at most: a 20,000-service KUBE-SERVICES chain then
    /// never sits decoded in memory as a whole.
    public static let rulesPerEvent = 256

    /// Hands the rules of one chain to `handler` in batches of `rulesPerEvent` (one event, maybe empty,
    /// for an empty chain); returns the dump's inconsistency, if any.
    private func streamRules(of chain: Chain, _ handler: (RulesetEvent) throws -> Void) throws -> DumpInconsistency? {
        var request = NFTMessage.request(.getRule, family: chain.family)
        request.append(1, string: chain.table)
        request.append(2, string: chain.name)
        var batch: [Rule] = []
        var delivered = false
        let result = try connection.dump(request, operation: .dump("nftables rules of \(chain.table)/\(chain.name)")) { reply in
            guard NFTMessage(netlinkType: reply.header.type) == .newRule else { return }
            batch.append(try Rule(message: reply, table: chain.table, chain: chain.name))
            if batch.count >= Self.rulesPerEvent {
                try handler(.rules(chain: chain, rules: batch))
                batch.removeAll(keepingCapacity: true)
                delivered = true
            }
        }
        if !batch.isEmpty || !delivered { try handler(.rules(chain: chain, rules: batch)) }
        return result
    }

    /// The rule messages of one chain, undecoded and each copied out of the receive buffer, for callers
    /// that decode only some of them; returns the dump's inconsistency, if any.
    public func dumpRuleMessages(of chain: Chain, into messages: inout [NetlinkMessage]) throws -> DumpInconsistency? {
        var request = NFTMessage.request(.getRule, family: chain.family)
        request.append(1, string: chain.table)
        request.append(2, string: chain.name)
        var collected: [NetlinkMessage] = []
        let result = try connection.dump(request, operation: .dump("nftables rules of \(chain.table)/\(chain.name)")) { reply in
            guard NFTMessage(netlinkType: reply.header.type) == .newRule else { return }
            collected.append(NetlinkMessage(header: reply.header, payload: ArraySlice(Array(reply.payload))))
        }
        messages = collected
        return result
    }

    /// The rules of one chain; returns the dump's inconsistency, if any.
    public func dumpRules(of chain: Chain, into rules: inout [Rule]) throws -> DumpInconsistency? {
        var request = NFTMessage.request(.getRule, family: chain.family)
        request.append(1, string: chain.table)
        request.append(2, string: chain.name)
        var collected: [Rule] = []
        let result = try connection.dump(request, operation: .dump("nftables rules of \(chain.table)/\(chain.name)")) { reply in
            guard NFTMessage(netlinkType: reply.header.type) == .newRule else { return }
            collected.append(try Rule(message: reply, table: chain.table, chain: chain.name))
        }
        rules = collected
        return result
    }
}

/// A stable sort by an integer key.
private func stableSorted<T>(_ items: [T], by key: (T) -> Int) -> [T] {
    // Already in order (the usual case: the kernel lists chains table by table): no 79,000-chain copy.
    if items.indices.dropFirst().allSatisfy({ key(items[$0 - 1]) <= key(items[$0]) }) { return items }
    return items.enumerated().sorted { (key($0.element), $0.offset) < (key($1.element), $1.offset) }.map(\.element)
}

private struct TableKey: Hashable {
    var family: NFTFamily
    var name: String
}
