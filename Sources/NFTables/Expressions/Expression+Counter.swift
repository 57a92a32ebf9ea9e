extension Expression {
    /// `counter`: counts packets and bytes (`NFTA_COUNTER_BYTES`, `NFTA_COUNTER_PACKETS`).
    public struct Counter: Hashable, Sendable, Encodable {
        public var packets: UInt64
        public var bytes: UInt64

        public init(packets: UInt64 = 0, bytes: UInt64 = 0) {
            self.packets = packets
            self.bytes = bytes
        }

        init(_ a: ExpressionAttributes) throws {
            bytes = try a.u64(1) ?? 0
            packets = try a.u64(2) ?? 0
        }

        var debugDescription: String { "counter pkts \(packets) bytes \(bytes)" }
    }
}
