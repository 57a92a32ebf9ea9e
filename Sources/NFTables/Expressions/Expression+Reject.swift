extension Expression {
    /// `reject`: drops and answers with an ICMP error or a TCP reset (`NFTA_REJECT_TYPE`, `_ICMP_CODE`).
    public struct Reject: Hashable, Sendable, Encodable {
        /// 0 ICMP unreachable, 1 TCP reset, 2 ICMPx (inet) (`NFT_REJECT_*`).
        public var type: UInt32
        public var code: UInt8

        public init(type: UInt32, code: UInt8) {
            self.type = type
            self.code = code
        }

        init(_ a: ExpressionAttributes) throws {
            type = try a.requiredU32(1, "type")
            code = try a.u8(2) ?? 0
        }

        var debugDescription: String { "reject type \(type) code \(code)" }
    }
}
