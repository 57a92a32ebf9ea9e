extension Expression {
    /// `range`: checks that a register lies (or does not lie) between two values, inclusive.
    /// Kernel attributes `NFTA_RANGE_*`.
    public struct Range: Hashable, Sendable, Encodable {
        public var source: Register
        /// `NFT_RANGE_EQ` (0) or `NFT_RANGE_NEQ` (1).
        public var op: CmpOp
        public var from: [UInt8]
        public var to: [UInt8]

        public init(source: Register, op: CmpOp, from: [UInt8], to: [UInt8]) {
            self.source = source
            self.op = op
            self.from = from
            self.to = to
        }

        init(_ a: ExpressionAttributes) throws {
            source = try a.requiredRegister(1, "sreg")
            op = CmpOp(rawValue: try a.requiredU32(2, "op"))
            from = try a.requiredValue(3, "from")
            to = try a.requiredValue(4, "to")
        }

        var debugDescription: String { "range \(op) reg \(source) \(from.debugWords) \(to.debugWords)" }
    }
}
