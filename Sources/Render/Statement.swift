import NFTables

/// What a register holds while a rule is read back (nftables' delinearize / iptables' nft-ruleparse).
public enum Operand: Hashable, Sendable {
    /// A named field; `loadedLength` shorter than the field is a prefix load (iptables' `-s 10.0.0.0/8`).
    case field(Field, loadedLength: Int)
    /// `(operand & mask) ^ xor`.
    indirect case masked(Operand, mask: [UInt8], xor: [UInt8])
    /// A constant (`immediate`).
    case immediate([UInt8])
    /// Consecutive registers read as one key (`ip daddr . tcp dport`).
    case concat([Operand])
    /// A generator with its own nft text (`numgen random mod 2`, `fib daddr type`, `jhash ...`).
    case generator(text: String, type: DataType, length: Int)
    /// The value a map lookup loaded (`ip daddr map @nm`).
    indirect case mapped(key: Operand, set: String)

    /// The datatype its constants print in.
    public var type: DataType {
        switch self {
        case .field(let field, _): return field.type
        case .masked(let inner, _, _): return inner.type
        case .immediate: return .integer
        case .concat: return .invalid
        case .generator(_, let type, _): return type
        case .mapped: return .invalid
        }
    }

    /// The field, when the operand is one (possibly masked).
    public var field: Field? {
        switch self {
        case .field(let field, _): return field
        case .masked(let inner, _, _): return inner.field
        default: return nil
        }
    }

    /// The operands of a concatenation (or the operand itself).
    public var parts: [Operand] {
        if case .concat(let parts) = self { return parts }
        return [self]
    }
}

/// One high-level statement of a rule, as nft and iptables think of it.
///
/// The rare, wide cases (nat with four operands, tproxy, ...) are `indirect`: every statement of every
/// rule is copied a few times while a rule is read back, and the enum is as wide as its widest inline case.
public enum Statement: Hashable, Sendable {
    /// `lhs op constant` (`cmp`).
    case match(lhs: Operand, op: CmpOp, value: [UInt8])
    /// `lhs from-to` or `lhs != from-to` (`range`, or `cmp gte` + `cmp lte`).
    case range(lhs: Operand, op: CmpOp, from: [UInt8], to: [UInt8])
    /// `lhs @set` or `lhs != @set` (`lookup` without a destination).
    case lookup(lhs: Operand, set: String, inverted: Bool)
    /// `lhs vmap @set` (`lookup` into the verdict register).
    case verdictMap(lhs: Operand, set: String)
    case verdict(Verdict)
    case counter(Expression.Counter)
    /// `meta mark set ...`, `ct mark set ...`, `tcp dport set ...` (`meta`/`ct`/`payload` with a source).
    indirect case assign(target: Field, value: Operand)
    /// `snat`/`dnat` with operands from registers.
    indirect case nat(Expression.Nat, address: Operand?, addressMax: Operand?, port: Operand?, portMax: Operand?)
    indirect case masquerade(Expression.Masq, port: Operand?, portMax: Operand?)
    indirect case redirect(Expression.Redir, port: Operand?, portMax: Operand?)
    /// `dynset`: `add @set { key }`, `update @set { key timeout 1s }`.
    indirect case setUpdate(Expression.Dynset, key: Operand, data: Operand?)
    /// `reject`, with the network protocol it answers in (from the table, or a dependency in inet tables).
    indirect case reject(Expression.Reject, network: NFTFamily)
    /// `queue num 1`, with a register for the number.
    indirect case queue(Expression.Queue, number: Operand?)
    /// `tproxy to addr:port`.
    indirect case tproxy(Expression.Tproxy, address: Operand?, port: Operand?)
    /// `objref`-through-map: `counter name ip saddr map @m`.
    indirect case objectMap(Expression.Objref, key: Operand)
    /// An expression that stands as a statement on its own: log, limit, reject, quota, connlimit, notrack,
    /// objref, match/target (xt) and unknown ones.
    case plain(Expression, index: Int)
    /// Bytecode this reader could not put back together; `expressionIndex` points at the expression.
    case undecodable(reason: String, expressionIndex: Int)
}
