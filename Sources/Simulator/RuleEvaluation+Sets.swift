import NFTables

extension RuleEvaluation {
    /// `nft_lookup_eval`: looks the key register up in a set; for a map, copies the element's data (or
    /// verdict) into the destination register.
    mutating func lookup(_ e: Expression.Lookup, _ packet: Packet) -> Step {
        guard let set = context.index.set(family: rule.family, table: rule.table, name: e.set) else {
            context.trail.warn("set \(e.set) of \(rule.table) is not in the snapshot")
            return unknown("lookup in @\(e.set)")
        }
        guard let key = registers.load(e.source, length: Int(set.keyLength)) else { return .breakRule }
        let element = SetMatcher(set: set).find(key)
        if e.isInverted { return element == nil ? .next : .breakRule }
        guard let element else { return .breakRule }
        if let destination = e.destination, let data = element.data {
            switch data {
            case .verdict(let verdict):
                registers.verdict = verdict
            case .value(let bytes):
                if destination == .verdict { return .breakRule }
                registers.store(destination, bytes)
            }
        }
        return .next
    }
}

/// Finds the element of a set that a key falls in: exact keys for hash sets, intervals for interval sets
/// (rbtree form, where an element flagged interval-end closes the range that the previous start opened,
/// and the pipapo form with a key end per element, also for concatenations), the catch-all element last.
struct SetMatcher {
    let set: NFTSet

    func find(_ key: [UInt8]) -> SetElement? {
        let elements = set.elements.filter { !$0.isCatchAll }
        let found: SetElement?
        if elements.contains(where: { $0.keyEnd != nil }) {
            found = elements.first { element in
                guard let end = element.keyEnd else { return element.key == key }
                return fieldsWithin(key, element.key, end)
            }
        } else if set.flags.contains(.interval) {
            found = intervalElement(key, elements)
        } else {
            found = elements.first { $0.key == key }
        }
        return found ?? set.elements.first { $0.isCatchAll }
    }

    /// rbtree intervals: the greatest element key not above the key; a match if it opens an interval.
    private func intervalElement(_ key: [UInt8], _ elements: [SetElement]) -> SetElement? {
        var best: SetElement?
        for element in elements where memcmp(element.key, key) <= 0 {
            guard let current = best else { best = element; continue }
            let order = memcmp(element.key, current.key)
            // At an equal key a start wins over an end: adjacent ranges share the boundary.
            if order > 0 || (order == 0 && current.isIntervalEnd && !element.isIntervalEnd) { best = element }
        }
        guard let best, !best.isIntervalEnd else { return nil }
        return best
    }

    /// Concatenated ranges: each field (padded to 32-bit words in the register) between its start and end.
    private func fieldsWithin(_ key: [UInt8], _ start: [UInt8], _ end: [UInt8]) -> Bool {
        var fields = set.concatFieldLengths.map { Int($0) }
        if fields.isEmpty { fields = [key.count] }
        var offset = 0
        for field in fields {
            let padded = (field + 3) / 4 * 4
            guard offset + field <= key.count, offset + field <= start.count, offset + field <= end.count else { return false }
            let k = Array(key[offset..<offset + field])
            if memcmp(Array(start[offset..<offset + field]), k) > 0 || memcmp(k, Array(end[offset..<offset + field])) > 0 {
                return false
            }
            offset += padded
        }
        return true
    }
}
