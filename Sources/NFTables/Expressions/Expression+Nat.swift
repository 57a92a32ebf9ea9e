extension Expression {
    /// `nat`: source or destination NAT to addresses and ports held in registers (`NFTA_NAT_*`).
    public struct Nat: Hashable, Sendable, Encodable {
        /// 0 `snat`, 1 `dnat` (`NFT_NAT_*`).
        public var type: UInt32
        /// `NFPROTO_IPV4` or `NFPROTO_IPV6` (`NFTA_NAT_FAMILY`).
        public var family: UInt32
        public var addressMin: Register?
        public var addressMax: Register?
        public var protoMin: Register?
        public var protoMax: Register?
        /// `NF_NAT_RANGE_*` (`NFTA_NAT_FLAGS`).
        public var flags: UInt32

        public var isSource: Bool { type == 0 }

        init(_ a: ExpressionAttributes) throws {
            type = try a.requiredU32(1, "type")
            family = try a.requiredU32(2, "family")
            addressMin = try a.register(3)
            addressMax = try a.register(4)
            protoMin = try a.register(5)
            protoMax = try a.register(6)
            flags = try a.u32(7) ?? 0
        }

        var debugDescription: String {
            var text = "nat \(isSource ? "snat" : "dnat") \(family == 10 ? "ip6" : family == 2 ? "ip" : "inet")"
            if let addressMin { text += " addr_min reg \(addressMin)" }
            if let addressMax { text += " addr_max reg \(addressMax)" }
            if let protoMin { text += " proto_min reg \(protoMin)" }
            if let protoMax { text += " proto_max reg \(protoMax)" }
            if flags != 0 { text += " flags 0x\(String(flags, radix: 16))" }
            return text
        }
    }

    /// `masq`: source NAT to the outgoing interface's address (`NFTA_MASQ_*`).
    public struct Masq: Hashable, Sendable, Encodable {
        public var flags: UInt32
        public var protoMin: Register?
        public var protoMax: Register?

        init(_ a: ExpressionAttributes) throws {
            flags = try a.u32(1) ?? 0
            protoMin = try a.register(2)
            protoMax = try a.register(3)
        }

        var debugDescription: String {
            var text = "masq"
            if let protoMin { text += " proto_min reg \(protoMin)" }
            if let protoMax { text += " proto_max reg \(protoMax)" }
            if flags != 0 { text += " flags 0x\(String(flags, radix: 16))" }
            return text
        }
    }

    /// `redir`: destination NAT to the local machine (`NFTA_REDIR_*`).
    public struct Redir: Hashable, Sendable, Encodable {
        public var protoMin: Register?
        public var protoMax: Register?
        public var flags: UInt32

        init(_ a: ExpressionAttributes) throws {
            protoMin = try a.register(1)
            protoMax = try a.register(2)
            flags = try a.u32(3) ?? 0
        }

        var debugDescription: String {
            var text = "redir"
            if let protoMin { text += " proto_min reg \(protoMin)" }
            if let protoMax { text += " proto_max reg \(protoMax)" }
            if flags != 0 { text += " flags 0x\(String(flags, radix: 16))" }
            return text
        }
    }

    /// `tproxy`: transparent proxying to an address and port in registers (`NFTA_TPROXY_*`).
    public struct Tproxy: Hashable, Sendable, Encodable {
        public var family: UInt32
        public var address: Register?
        public var port: Register?

        init(_ a: ExpressionAttributes) throws {
            family = try a.u32(1) ?? 0
            address = try a.register(2)
            port = try a.register(3)
        }

        var debugDescription: String {
            var text = "tproxy \(family == 10 ? "ip6" : family == 2 ? "ip" : "inet")"
            if let address { text += " addr reg \(address)" }
            if let port { text += " port reg \(port)" }
            return text
        }
    }
}
