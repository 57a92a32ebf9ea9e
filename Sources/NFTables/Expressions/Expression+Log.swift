extension Expression {
    /// `log`: logs the packet to the kernel log or an nflog group (`NFTA_LOG_*`).
    public struct Log: Hashable, Sendable, Encodable {
        public var group: UInt16?
        public var prefix: String?
        public var snaplen: UInt32?
        public var queueThreshold: UInt16?
        /// Syslog level 0…7, 8 audit (`NFT_LOGLEVEL_*`).
        public var level: UInt32?
        /// `NF_LOG_*` flags.
        public var flags: UInt32?

        init(_ a: ExpressionAttributes) throws {
            group = try a.u16(1)
            prefix = a.string(2)
            snaplen = try a.u32(3)
            queueThreshold = try a.u16(4)
            level = try a.u32(5)
            flags = try a.u32(6)
        }

        var debugDescription: String {
            var text = "log"
            if let prefix { text += " prefix \(prefix)" }
            if let group { text += " group \(group)" }
            if let snaplen { text += " snaplen \(snaplen)" }
            if let queueThreshold { text += " qthreshold \(queueThreshold)" }
            if let level { text += " level \(level)" }
            if let flags { text += " flags \(flags)" }
            return text
        }
    }
}
