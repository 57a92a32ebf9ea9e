import Legacy
import NetCore
import NFTables
import Simulator

extension LegacyRuleset {
    /// Converts iptables-legacy tables into the nf_tables shape the simulator runs (see ``LegacyRuleset``):
    /// built-in chains become base chains at `NF_IP_PRI_*` of their table, and each rule the expressions
    /// that compute `ip_packet_match` / `ip6_packet_match`, its matches as compat matches, its target as a
    /// compat target or a verdict.
    public init(_ tables: [LegacyTable]) {
        self.init()
        for table in tables {
            let family: NFTFamily = table.family == .ipv4 ? .ip : .ip6
            let name = Self.tableName(table.name)
            self.tables.append(Table(family: family, name: name))
            for chain in table.chains {
                var kind = Chain.Kind.regular
                if case .builtin(let hook, let policy, _) = chain.kind {
                    let priority = BackendReport.legacyPriority(table: table.name, hook: hook) ?? 0
                    kind = .base(BaseChain(hook: Hook(rawValue: UInt32(hook.rawValue)), priority: priority,
                                           type: table.name == "nat" ? "nat" : "filter",
                                           policy: Self.code(policy)))
                }
                chains.append(Chain(family: family, table: name, name: chain.name, kind: kind))
                for rule in chain.rules {
                    let position = UInt64(rule.position)
                    rules.append(Rule(family: family, table: name, chain: chain.name, handle: position,
                                      expressions: Self.expressions(rule)))
                    texts[Self.key(family: family, table: name, chain: chain.name, position: position)] =
                        rule.iptablesText(ipsetNames: table.ipsetNames)
                }
            }
        }
    }

    /// The nf_tables verdict of an x_tables standard verdict (`-NF_verdict - 1`; `XT_RETURN` is return).
    static func code(_ verdict: LegacyVerdict) -> Verdict.Code {
        verdict == .return ? .return : Verdict.Code(rawValue: -verdict.rawValue - 1)
    }

    /// The expressions of one legacy rule, in the kernel's order: the standard part, the matches, the target.
    static func expressions(_ rule: LegacyRule) -> [Expression] {
        var expressions = header(rule.header)
        for match in rule.matches {
            expressions.append(.match(CompatExtension(name: match.raw.name, revision: match.raw.revision,
                                                      info: match.raw.info)))
        }
        switch rule.target {
        case .verdict(let verdict):
            expressions.append(verdictExpression(Verdict(code: code(verdict))))
        case .jump(let chain, let goto):
            expressions.append(verdictExpression(Verdict(code: goto ? .goto : .jump, chain: chain)))
        case .continueToNext:
            break
        case .extension(let raw, _, _):
            expressions.append(.target(CompatExtension(name: raw.name, revision: raw.revision, info: raw.info)))
        }
        return expressions
    }

    private static func verdictExpression(_ verdict: Verdict) -> Expression {
        .immediate(Expression.Immediate(destination: .verdict, data: .verdict(verdict)))
    }

    /// `ip_packet_match` / `ip6_packet_match`: masked addresses, interface names under their byte masks,
    /// the protocol, and IPv4's fragment flag; each inversion flag turns the comparison into `neq`.
    static func header(_ header: LegacyIPHeader) -> [Expression] {
        let v4 = header.family == .ipv4
        let register = Register(rawValue: 1)
        var expressions: [Expression] = []
        func compare(_ inverted: Bool, _ data: [UInt8]) {
            expressions.append(.cmp(Expression.Cmp(source: register, op: inverted ? CmpOp(rawValue: 1) : .eq, data: data)))
        }
        func mask(_ mask: [UInt8]) {
            expressions.append(.bitwise(Expression.Bitwise(source: register, destination: register, length: UInt32(mask.count),
                                                           operation: .maskXor(mask: mask, xor: [UInt8](repeating: 0, count: mask.count)))))
        }
        let addresses: [(IPAddress, IPAddress, UInt32, UInt8)] = [
            (header.source, header.sourceMask, v4 ? 12 : 8, LegacyIPHeader.invertSource),
            (header.destination, header.destinationMask, v4 ? 16 : 24, LegacyIPHeader.invertDestination),
        ]
        for (address, addressMask, offset, flag) in addresses {
            let inverted = header.invertFlags & flag != 0
            let maskBytes = addressMask.networkBytes
            guard inverted || maskBytes.contains(where: { $0 != 0 }) else { continue }
            expressions.append(.payload(Expression.Payload(operation: .load(destination: register), base: .network,
                                                           offset: offset, length: UInt32(maskBytes.count))))
            mask(maskBytes)
            compare(inverted, zip(address.networkBytes, maskBytes).map { $0 & $1 })
        }
        let interfaces: [(String, [UInt8], MetaKey, UInt8)] = [
            (header.inInterface, header.inInterfaceMask, .iifname, LegacyIPHeader.invertIn),
            (header.outInterface, header.outInterfaceMask, .oifname, LegacyIPHeader.invertOut),
        ]
        for (name, nameMask, key, flag) in interfaces {
            let inverted = header.invertFlags & flag != 0
            guard inverted || nameMask.contains(where: { $0 != 0 }) else { continue }
            let padded = Array((Array(name.utf8) + [UInt8](repeating: 0, count: 16)).prefix(16))
            let fullMask = Array((nameMask + [UInt8](repeating: 0, count: 16)).prefix(16))
            expressions.append(.meta(Expression.Meta(key: key, operation: .load(destination: register))))
            mask(fullMask)
            compare(inverted, zip(padded, fullMask).map { $0 & $1 })
        }
        if header.protocolNumber != 0 {
            expressions.append(.meta(Expression.Meta(key: .l4proto, operation: .load(destination: register))))
            compare(header.invertFlags & LegacyIPHeader.invertProtocol != 0, [UInt8(truncatingIfNeeded: header.protocolNumber)])
        }
        if header.isFragment {
            // `-f` matches non-first fragments: the fragment offset is not zero (`! -f`: it is).
            expressions.append(.payload(Expression.Payload(operation: .load(destination: register), base: .network,
                                                           offset: 6, length: 2)))
            mask([0x1f, 0xff])
            compare(header.invertFlags & LegacyIPHeader.invertFragment == 0, [0, 0])
        }
        return expressions
    }
}
