extension Expression {
    /// `immediate`: loads constant data into a register, or sets the verdict (register 0).
    /// Kernel attributes `NFTA_IMMEDIATE_DREG`, `NFTA_IMMEDIATE_DATA`.
    public struct Immediate: Hashable, Sendable, Encodable {
        public var destination: Register
        public var data: NFTData

        public init(destination: Register, data: NFTData) {
            self.destination = destination
            self.data = data
        }

        init(_ a: ExpressionAttributes) throws {
            destination = try a.requiredRegister(1, "dreg")
            data = try a.required(2, "data") { try a.data($0) }
        }

        /// The verdict, when this sets one.
        public var verdict: Verdict? {
            if case .verdict(let verdict) = data { return verdict }
            return nil
        }

        var debugDescription: String {
            switch data {
            case .value(let bytes): return "immediate reg \(destination) \(bytes.debugWords)"
            case .verdict(let verdict):
                if let chain = verdict.chain { return "immediate reg \(destination) \(verdict.code) -> \(chain)" }
                return "immediate reg \(destination) \(verdict.code)"
            }
        }
    }
}
