extension Expression {
    /// `limit`: a token bucket on packets or bytes (`NFTA_LIMIT_*`).
    public struct Limit: Hashable, Sendable, Encodable {
        public var rate: UInt64
        /// The period in seconds (1, 60, 3600, 86400, 604800).
        public var unit: UInt64
        public var burst: UInt32
        /// 0 packets, 1 bytes (`NFT_LIMIT_*`).
        public var type: UInt32
        /// `NFT_LIMIT_F_INV` (0x1): match when over the limit.
        public var flags: UInt32

        init(_ a: ExpressionAttributes) throws {
            rate = try a.u64(1) ?? 0
            unit = try a.u64(2) ?? 1
            burst = try a.u32(3) ?? 0
            type = try a.u32(4) ?? 0
            flags = try a.u32(5) ?? 0
        }

        /// `second`, `minute`, `hour`, `day`, `week`.
        public var unitName: String {
            switch unit {
            case 1: return "second"
            case 60: return "minute"
            case 3600: return "hour"
            case 86400: return "day"
            case 604800: return "week"
            default: return "\(unit)s"
            }
        }

        var debugDescription: String {
            "limit rate \(rate)/\(unitName) burst \(burst) type \(type == 0 ? "packets" : "bytes") flags 0x\(String(flags, radix: 16))"
        }
    }

    /// `quota`: matches until (or after) a byte quota is used (`NFTA_QUOTA_*`).
    public struct Quota: Hashable, Sendable, Encodable {
        public var bytes: UInt64
        public var consumed: UInt64
        /// `NFT_QUOTA_F_INV` (0x1) `over`, `NFT_QUOTA_F_DEPLETED` (0x2).
        public var flags: UInt32

        init(_ a: ExpressionAttributes) throws {
            bytes = try a.u64(1) ?? 0
            flags = try a.u32(2) ?? 0
            consumed = try a.u64(4) ?? 0
        }

        var debugDescription: String { "quota bytes \(bytes) consumed \(consumed) flags \(flags)" }
    }

    /// `connlimit`: matches on the number of connections (`NFTA_CONNLIMIT_*`).
    public struct Connlimit: Hashable, Sendable, Encodable {
        public var count: UInt32
        /// `NFT_CONNLIMIT_F_INV` (0x1): `over`.
        public var flags: UInt32

        init(_ a: ExpressionAttributes) throws {
            count = try a.u32(1) ?? 0
            flags = try a.u32(2) ?? 0
        }

        var debugDescription: String { "connlimit count \(count) flags \(flags)" }
    }

    /// `queue`: hands the packet to user space through nfnetlink_queue (`NFTA_QUEUE_*`).
    public struct Queue: Hashable, Sendable, Encodable {
        public var number: UInt16
        public var total: UInt16
        /// `NFT_QUEUE_FLAG_BYPASS` (0x1), `NFT_QUEUE_FLAG_CPU_FANOUT` (0x2).
        public var flags: UInt16
        /// The queue number comes from a register (`NFTA_QUEUE_SREG_QNUM`, Linux 5.2).
        public var numberSource: Register?

        public init(number: UInt16, total: UInt16 = 1, flags: UInt16 = 0, numberSource: Register? = nil) {
            self.number = number
            self.total = total
            self.flags = flags
            self.numberSource = numberSource
        }

        init(_ a: ExpressionAttributes) throws {
            number = try a.u16(1) ?? 0
            total = try a.u16(2) ?? 1
            flags = try a.u16(3) ?? 0
            numberSource = try a.register(4)
        }

        var debugDescription: String {
            var text = numberSource.map { "queue sreg_qnum \($0)" } ?? "queue num \(number)"
            if total > 1 { text += " total \(total)" }
            if flags != 0 { text += " \(flags & 1 != 0 ? "bypass" : "")\(flags & 2 != 0 ? " fanout" : "")" }
            return text
        }
    }
}
