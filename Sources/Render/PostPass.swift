import NFTables

/// The clean-up pass after register tracking: `cmp gte` + `cmp lte` become a range, and protocol
/// matches that only exist as implicit dependencies of the next statement are dropped (nftables'
/// `payload_dependency_kill`: `meta l4proto tcp` before `tcp dport`, `meta nfproto ipv4` before `ip saddr`).
enum PostPass {
    /// A statement with the protocols of the header fields it loaded.
    struct Item {
        var statement: Statement
        var protocols: [String]
        var index: Int
    }

    static func run(_ input: [Item], family: NFTFamily,
                    removingDependencies: Bool = true) -> [(statement: Statement, expressionIndex: Int)] {
        var statements = mergeRanges(input)
        var changed = removingDependencies
        while changed {
            changed = false
            var index = 0
            while index + 1 < statements.count {
                if isDependency(statements[index].statement, of: statements[index + 1], family: family) {
                    statements.remove(at: index)
                    changed = true
                } else {
                    index += 1
                }
            }
        }
        return statements.map { ($0.statement, $0.index) }
    }

    private static func mergeRanges(_ input: [Item]) -> [Item] {
        // Most rules have no `<=` half of a range: hand the array back without copying every statement.
        let hasUpperBound = input.contains { item in
            if case .match(_, .lte, _) = item.statement { return true }
            return false
        }
        guard hasUpperBound else { return input }
        var output: [Item] = []
        for item in input {
            if case .match(let lhs, .lte, let to) = item.statement,
               case .match(let previous, .gte, let from)? = output.last?.statement, previous == lhs {
                output[output.count - 1].statement = .range(lhs: lhs, op: .eq, from: from, to: to)
            } else {
                output.append(item)
            }
        }
        return output
    }

    /// The protocols of every field a statement reads (`ip`, `tcp` for `ip saddr . tcp dport`).
    static func protocols(_ statement: Statement) -> Set<String> {
        let operand: Operand?
        switch statement {
        case .match(let lhs, _, _), .range(let lhs, _, _, _), .lookup(let lhs, _, _), .verdictMap(let lhs, _):
            operand = lhs
        case .assign(let target, _): return [target.protocolName]
        case .nat(_, let address, _, _, _):
            if case .mapped(let key, _)? = address { operand = key } else { operand = nil }
        default: operand = nil
        }
        return Set(operand?.parts.compactMap { $0.field?.protocolName } ?? [])
    }

    /// The protocol a statement's first field belongs to (`tcp`, `ip`, …).
    static func leadingProtocol(_ statement: Statement) -> String? {
        let operand: Operand?
        switch statement {
        case .match(let lhs, _, _), .range(let lhs, _, _, _), .lookup(let lhs, _, _), .verdictMap(let lhs, _):
            operand = lhs
        case .assign(let target, _): return target.protocolName
        case .nat(_, let address, _, _, _):
            if case .mapped(let key, _)? = address { operand = key } else { operand = nil }
        default: operand = nil
        }
        return operand?.parts.first?.field?.protocolName
    }

    static func isDependency(_ statement: Statement, of nextItem: Item, family: NFTFamily) -> Bool {
        let next = nextItem.statement
        guard case .match(.field(let field, _), .eq, let value) = statement, value.count >= 1 else { return false }
        let used = protocols(next).union(nextItem.protocols)  // small: a rule's few fields
        let following = leadingProtocol(next) ?? ""
        switch field.source {
        case .meta(.l4proto):
            // Only `meta l4proto` is an implicit dependency; an explicit `ip protocol` stays (nft keeps it).
            let (name, _) = ProtocolFields.transport(value[0])
            return name != "th" && used.contains(name)
        case .meta(.nfproto) where family == .inet || family == .bridge || family == .netdev:
            let network: Set<String> = value[0] == 2 ? ["ip", "icmp", "@nh"] : value[0] == 10 ? ["ip6", "icmpv6", "@nh"] : []
            return !used.isDisjoint(with: network) || network.contains(following)
        case .meta(.iiftype) where family == .netdev || family == .bridge:
            // `meta iiftype ether` (ARPHRD_ETHER) guards link-layer loads in netdev chains.
            return value.first == 1 && (following == "ether" || used.contains("ether"))
        case .meta(.protocol) where family == .bridge || family == .netdev || family == .inet:
            guard value.count >= 2 else { return false }
            let type = UInt16(value[0]) << 8 | UInt16(value[1])
            return (type == 0x0800 && following == "ip") || (type == 0x86dd && following == "ip6")
        default:
            return false
        }
    }
}
