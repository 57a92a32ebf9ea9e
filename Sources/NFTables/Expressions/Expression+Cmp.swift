extension Expression {
    /// `cmp`: compares a register with constant data and breaks the rule when false.
    /// Kernel attributes `NFTA_CMP_SREG`, `NFTA_CMP_OP`, `NFTA_CMP_DATA`.
    public struct Cmp: Hashable, Sendable, Encodable {
        public var source: Register
        public var op: CmpOp
        public var data: [UInt8]

        public init(source: Register, op: CmpOp, data: [UInt8]) {
            self.source = source
            self.op = op
            self.data = data
        }

        init(_ a: ExpressionAttributes) throws {
            source = try a.requiredRegister(1, "sreg")
            op = CmpOp(rawValue: try a.requiredU32(2, "op"))
            data = try a.requiredValue(3, "data")
        }

        var debugDescription: String { "cmp \(op) reg \(source) \(data.debugWords)" }
    }
}

/// `NFT_CMP_*`.
public struct CmpOp: RawRepresentable, Hashable, Sendable, Encodable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let eq = CmpOp(rawValue: 0)
    public static let neq = CmpOp(rawValue: 1)
    public static let lt = CmpOp(rawValue: 2)
    public static let lte = CmpOp(rawValue: 3)
    public static let gt = CmpOp(rawValue: 4)
    public static let gte = CmpOp(rawValue: 5)

    /// libnftnl's name: `eq`, `neq`, `lt`, `lte`, `gt`, `gte`.
    public var description: String {
        ["eq", "neq", "lt", "lte", "gt", "gte"].indices.contains(Int(rawValue))
            ? ["eq", "neq", "lt", "lte", "gt", "gte"][Int(rawValue)] : "op\(rawValue)"
    }
}
