import NetCore

extension Expression {
    /// `fib`: a FIB (routing table) lookup: output interface, its name, or the address type
    /// (`NFTA_FIB_DREG`, `_RESULT`, `_FLAGS`).
    public struct Fib: Hashable, Sendable, Encodable {
        public var destination: Register
        /// 1 `oif`, 2 `oifname`, 3 `type` (`NFT_FIB_RESULT_*`).
        public var result: UInt32
        /// `NFTA_FIB_F_*`: saddr 0x1, daddr 0x2, mark 0x4, iif 0x8, oif 0x10, present 0x20.
        public var flags: UInt32

        public init(destination: Register, result: UInt32, flags: UInt32) {
            self.destination = destination
            self.result = result
            self.flags = flags
        }

        init(_ a: ExpressionAttributes) throws {
            destination = try a.requiredRegister(1, "dreg")
            result = try a.requiredU32(2, "result")
            flags = try a.requiredU32(3, "flags")
        }

        public var resultName: String {
            switch result {
            case 1: return "oif"
            case 2: return "oifname"
            case 3: return "type"
            default: return "result\(result)"
            }
        }

        /// The flag words nft prints (`saddr . iif`), in nft's order.
        public var flagNames: [String] {
            [(0x1, "saddr"), (0x2, "daddr"), (0x4, "mark"), (0x8, "iif"), (0x10, "oif")]
                .filter { flags & UInt32($0.0) != 0 }.map(\.1)
        }

        var debugDescription: String {
            var text = "fib"
            for name in flagNames { text += " \(name)" }
            if flags & 0x20 != 0 { text += " present" }
            return text + " \(resultName) => reg \(destination)"
        }
    }

    /// `rt`: routing information of the packet's route (`NFTA_RT_DREG`, `NFTA_RT_KEY`).
    public struct Rt: Hashable, Sendable, Encodable {
        public var destination: Register
        /// 0 classid, 1 nexthop4, 2 nexthop6, 3 tcpmss, 4 xfrm (`NFT_RT_*`).
        public var key: UInt32

        init(_ a: ExpressionAttributes) throws {
            destination = try a.requiredRegister(1, "dreg")
            key = try a.requiredU32(2, "key")
        }

        public var keyName: String {
            ["classid", "nexthop", "nexthop", "mtu", "ipsec"].indices.contains(Int(key))
                ? ["classid", "nexthop", "nexthop", "mtu", "ipsec"][Int(key)] : "key\(key)"
        }

        var debugDescription: String {
            let names = ["classid", "nexthop4", "nexthop6", "tcpmss", "xfrm"]
            return "rt load \(Int(key) < names.count ? names[Int(key)] : "key\(key)") => reg \(destination)"
        }
    }

    /// `socket`: attributes of the socket the packet belongs to (`NFTA_SOCKET_*`).
    public struct Socket: Hashable, Sendable, Encodable {
        /// 0 transparent, 1 mark, 2 wildcard, 3 cgroupv2 (`NFT_SOCKET_*`).
        public var key: UInt32
        public var destination: Register
        public var level: UInt32?

        init(_ a: ExpressionAttributes) throws {
            key = try a.requiredU32(1, "key")
            destination = try a.requiredRegister(2, "dreg")
            level = try a.u32(3)
        }

        public var keyName: String {
            ["transparent", "mark", "wildcard", "cgroupv2"].indices.contains(Int(key))
                ? ["transparent", "mark", "wildcard", "cgroupv2"][Int(key)] : "key\(key)"
        }

        var debugDescription: String { "socket load \(keyName) => reg \(destination)" }
    }

    /// `exthdr`: IPv6 extension headers, TCP/IPv4 options, SCTP chunks (`NFTA_EXTHDR_*`).
    public struct Exthdr: Hashable, Sendable, Encodable {
        public var destination: Register?
        public var source: Register?
        public var type: UInt8
        public var offset: UInt32
        public var length: UInt32
        /// `NFT_EXTHDR_F_PRESENT` (0x1).
        public var flags: UInt32
        /// 0 ipv6, 1 tcp option, 2 ipv4 option, 3 sctp, 4 dccp (`NFT_EXTHDR_OP_*`).
        public var op: UInt32

        init(_ a: ExpressionAttributes) throws {
            destination = try a.register(1)
            type = try a.u8(2) ?? 0
            offset = try a.u32(3) ?? 0
            length = try a.u32(4) ?? 0
            flags = try a.u32(5) ?? 0
            op = try a.u32(6) ?? 0
            source = try a.register(7)
            guard destination != nil || source != nil else {
                throw DecodeError(path: a.path, offset: 0, reason: "exthdr with neither dreg nor sreg")
            }
        }

        public var opName: String {
            ["ipv6", "tcpopt", "ipv4", "sctp", "dccp"].indices.contains(Int(op))
                ? ["ipv6", "tcpopt", "ipv4", "sctp", "dccp"][Int(op)] : "op\(op)"
        }

        var debugDescription: String {
            if let source {
                return "exthdr write \(opName) reg \(source) => \(length)b @ \(type) + \(offset)"
            }
            let present = flags & 1 != 0 ? " present" : ""
            return "exthdr load \(opName) \(length)b @ \(type) + \(offset)\(present) => reg \(destination?.description ?? "?")"
        }
    }
}
