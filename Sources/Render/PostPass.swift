import NFTables

/// The clean-up pass after register tracking: `cmp gte` + `cmp lte` become a range, and protocol
/// matches that only exist as implicit dependencies of the next statement are dropped (nftables'
/// `payload_dependency_kill`: `meta l4proto tcp` before `tcp dport`, `meta nfproto ipv4` before `ip saddr`).
enum PostPass {
    static func run(_ input: [Statement], family: NFTFamily, removingDependencies: Bool = true) -> [Statement] {
        var statements = mergeRanges(input)
        var changed = removingDependencies
        while changed {
            changed = false
            var index = 0
            while index + 1 < statements.count {
                if isDependency(statements[index], of: statements[index + 1], family: family) {
                    statements.remove(at: index)
                    changed = true
                } else {
                    index += 1
                }
            }
        }
        return statements
    }

    private static func mergeRanges(_ input: [Statement]) -> [Statement] {
        var output: [Statement] = []
        for statement in input {
            if case .match(let lhs, .lte, let to) = statement, case .match(let previous, .gte, let from)? = output.last,
               previous == lhs {
                output[output.count - 1] = .range(lhs: lhs, op: .eq, from: from, to: to)
            } else {
                output.append(statement)
            }
        }
        return output
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

    static func isDependency(_ statement: Statement, of next: Statement, family: NFTFamily) -> Bool {
        guard case .match(.field(let field, _), .eq, let value) = statement, value.count >= 1,
              let following = leadingProtocol(next) else { return false }
        switch field.source {
        case .meta(.l4proto), .payload(.network, 9, 1), .payload(.network, 6, 1):
            if case .payload = field.source, field.protocolName != "ip" && field.protocolName != "ip6" { return false }
            let (name, _) = ProtocolFields.transport(value[0])
            return name != "th" && name == following
        case .meta(.nfproto) where family == .inet || family == .bridge || family == .netdev:
            return (value[0] == 2 && (following == "ip" || following == "icmp"))
                || (value[0] == 10 && (following == "ip6" || following == "icmpv6"))
        case .meta(.protocol) where family == .bridge || family == .netdev || family == .inet:
            guard value.count >= 2 else { return false }
            let type = UInt16(value[0]) << 8 | UInt16(value[1])
            return (type == 0x0800 && following == "ip") || (type == 0x86dd && following == "ip6")
        default:
            return false
        }
    }
}
