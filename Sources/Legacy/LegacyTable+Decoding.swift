import NetCore
import Xtables

extension LegacyTable {
    /// Decodes the entries blob returned by `IPT_SO_GET_ENTRIES` into chains and rules, in pure Swift.
    ///
    /// The walk follows libiptc's reading of a table: a built-in chain starts at `hook_entry[hook]` and its
    /// policy is the entry at `underflow[hook]`; an `ERROR` entry names a user chain, whose last entry (a
    /// `RETURN`) closes it; the final `ERROR` entry ends the table. A standard target's non-negative verdict
    /// is a byte offset: the next entry (a rule without `-j`) or the first entry of a user chain.
    ///
    /// Offsets outside the blob, zero-sized, misaligned or oversized matches and targets, hook or jump
    /// offsets that do not land on an entry (or a user chain), jump loops and an entry count that differs
    /// from `info` all throw a ``DecodeError``; nothing here traps.
    public static func decode(info: LegacyTableInfo, entries: [UInt8],
                              family: IPFamily) throws(DecodeError) -> LegacyTable {
        let blob = LegacyBytes(bytes: entries, path: "\(family == .ipv4 ? "ip" : "ip6")tables.\(info.name)")
        guard Int(info.size) == entries.count else {
            throw blob.error(0, "blob of \(entries.count) bytes, table info says \(info.size)")
        }
        let list = try walkEntries(blob, layout: LegacyLayout(family: family))
        guard list.count == Int(info.entryCount) else {
            throw blob.error(0, "\(list.count) entries, table info says \(info.entryCount)")
        }
        var builder = LegacyChainBuilder(info: info, entries: list, blob: blob, family: family)
        let chains = try builder.build()
        return LegacyTable(name: info.name, family: family, chains: chains, entryCount: list.count,
                           blobSize: entries.count)
    }

    /// Every entry in blob order; each must start where the previous one's `next_offset` ends.
    static func walkEntries(_ blob: LegacyBytes, layout: LegacyLayout) throws(DecodeError) -> [LegacyEntry] {
        var list: [LegacyEntry] = []
        var offset = 0
        while offset < blob.count {
            let entry = try LegacyEntry.decode(blob, at: offset, layout: layout)
            list.append(entry)
            offset = entry.end
        }
        return list
    }
}

/// Groups decoded entries into chains and resolves jump offsets into chain names.
struct LegacyChainBuilder {
    let info: LegacyTableInfo
    let entries: [LegacyEntry]
    let blob: LegacyBytes
    let family: IPFamily
    /// Entry index by blob offset.
    private let indexByOffset: [Int: Int]

    init(info: LegacyTableInfo, entries: [LegacyEntry], blob: LegacyBytes, family: IPFamily) {
        self.info = info
        self.entries = entries
        self.blob = blob
        self.family = family
        var index: [Int: Int] = [:]
        for (position, entry) in entries.enumerated() { index[entry.offset] = position }
        indexByOffset = index
    }

    /// Where a chain starts: the index of its first entry and what kind of start it is.
    private struct Start {
        var index: Int
        var name: String
        var hook: LegacyHook?
    }

    mutating func build() throws(DecodeError) -> [LegacyChain] {
        guard let last = entries.last, case .error = last.target else {
            throw blob.error(entries.last?.offset ?? 0, "the table does not end with an ERROR entry")
        }
        let starts = try chainStarts()
        // The first entry of each user chain (after its ERROR head) is what jumps point at.
        var userChainByOffset: [Int: String] = [:]
        for start in starts where start.hook == nil {
            userChainByOffset[entries[start.index + 1].offset] = start.name
        }
        var chains: [LegacyChain] = []
        for (position, start) in starts.enumerated() {
            let end = position + 1 < starts.count ? starts[position + 1].index : entries.count - 1
            chains.append(try chain(start, end: end, userChains: userChainByOffset))
        }
        try checkNoLoops(chains)
        return chains
    }

    /// Chain starts in blob order; every entry before the final one must belong to a chain.
    private func chainStarts() throws(DecodeError) -> [Start] {
        var starts: [Start] = []
        for hook in info.hooks {
            let offset = Int(info.hookEntry[hook.rawValue])
            guard let index = indexByOffset[offset] else {
                throw blob.error(offset, "hook_entry[\(hook.chainName)] is not an entry start")
            }
            starts.append(Start(index: index, name: hook.chainName, hook: hook))
        }
        let hookStarts = Set(starts.map(\.index))
        for (index, entry) in entries.enumerated().dropLast() {
            guard case .error(let name) = entry.target else { continue }
            if hookStarts.contains(index) {
                throw blob.error(entry.offset, "hook entry is an ERROR entry")
            }
            starts.append(Start(index: index, name: name, hook: nil))
        }
        starts.sort { $0.index < $1.index }
        guard let first = starts.first, first.index == 0 else {
            throw blob.error(0, "entries before the first chain")
        }
        for (position, start) in starts.enumerated().dropFirst() where start.index == starts[position - 1].index {
            throw blob.error(entries[start.index].offset, "two chains start at the same entry")
        }
        return starts
    }

    /// One chain: entries `start.index ..< end`, whose last entry is the policy (built-in) or the
    /// `RETURN` footer (user chain).
    private func chain(_ start: Start, end: Int, userChains: [Int: String]) throws(DecodeError) -> LegacyChain {
        let firstRule = start.hook == nil ? start.index + 1 : start.index
        let footerIndex = end - 1
        guard footerIndex >= firstRule, case .standard(let footerVerdict) = entries[footerIndex].target,
              footerVerdict < 0 else {
            throw blob.error(entries[start.index].offset, "chain \(start.name) does not end with a standard verdict")
        }
        let footer = entries[footerIndex]
        let kind: LegacyChain.Kind
        if let hook = start.hook {
            guard Int(info.underflow[hook.rawValue]) == footer.offset else {
                throw blob.error(footer.offset, "underflow[\(hook.chainName)] is not the end of its chain")
            }
            kind = .builtin(hook: hook, policy: LegacyVerdict(rawValue: footerVerdict), counters: footer.counters)
        } else {
            kind = .user
        }
        var rules: [LegacyRule] = []
        for index in firstRule..<footerIndex {
            if case .error = entries[index].target {
                throw blob.error(entries[index].offset, "ERROR entry inside chain \(start.name)")
            }
            rules.append(try rule(entries[index], chain: start.name, position: rules.count + 1, userChains: userChains))
        }
        return LegacyChain(name: start.name, kind: kind, rules: rules, offset: entries[start.index].offset)
    }

    private func rule(_ entry: LegacyEntry, chain: String, position: Int,
                      userChains: [Int: String]) throws(DecodeError) -> LegacyRule {
        let matches = entry.matches.map { ext in
            do throws(DecodeError) {
                return LegacyMatch(raw: ext, match: try XtMatch.decode(ext, family: family))
            } catch {
                return LegacyMatch(raw: ext, match: .raw(ext), decodeError: error)
            }
        }
        return LegacyRule(table: info.name, chain: chain, position: position, offset: entry.offset,
                          header: entry.header, matches: matches,
                          target: try target(entry, userChains: userChains), counters: entry.counters)
    }

    private func target(_ entry: LegacyEntry, userChains: [Int: String]) throws(DecodeError) -> LegacyTarget {
        switch entry.target {
        case .standard(let verdict) where verdict < 0:
            return .verdict(LegacyVerdict(rawValue: verdict))
        case .standard(let verdict):
            if Int(verdict) == entry.end { return .continueToNext }
            guard let name = userChains[Int(verdict)] else {
                throw blob.error(entry.offset, "jump to offset \(verdict), which starts no user chain")
            }
            return .jump(chain: name, goto: entry.header.isGoto)
        case .error:
            throw blob.error(entry.offset, "ERROR target inside a chain")
        case .extension(let ext):
            do throws(DecodeError) {
                return .extension(raw: ext, target: try XtTarget.decode(ext, family: family), decodeError: nil)
            } catch {
                return .extension(raw: ext, target: .raw(ext), decodeError: error)
            }
        }
    }

    /// Jumps must form no cycle (the kernel's `mark_source_chains` refuses them too): depth-first search.
    private func checkNoLoops(_ chains: [LegacyChain]) throws(DecodeError) {
        var edges: [String: [String]] = [:]
        for chain in chains {
            edges[chain.name] = chain.rules.compactMap { rule in
                if case .jump(let target, _) = rule.target { return target }
                return nil
            }
        }
        var state: [String: Bool] = [:]  // false: on the current path, true: finished
        for chain in chains where state[chain.name] == nil {
            // An explicit stack keeps hostile, deep jump chains from exhausting the thread stack.
            var stack: [(name: String, next: Int)] = [(chain.name, 0)]
            state[chain.name] = false
            while let top = stack.last {
                let targets = edges[top.name] ?? []
                if top.next == targets.count {
                    state[top.name] = true
                    stack.removeLast()
                    continue
                }
                stack[stack.count - 1].next += 1
                let target = targets[top.next]
                switch state[target] {
                case .some(false):
                    throw blob.error(0, "jump loop through chain \(target) (from \(top.name))")
                case .some(true):
                    continue
                case .none:
                    state[target] = false
                    stack.append((target, 0))
                }
            }
        }
    }
}
