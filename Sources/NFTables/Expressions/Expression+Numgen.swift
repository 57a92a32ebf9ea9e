extension Expression {
    /// `numgen`: a random or incrementing number modulo `modulus`, plus `offset` (`NFTA_NG_*`).
    public struct Numgen: Hashable, Sendable, Encodable {
        public var destination: Register
        public var modulus: UInt32
        /// 0 `inc`, 1 `random` (`NFT_NG_*`).
        public var type: UInt32
        public var offset: UInt32

        init(_ a: ExpressionAttributes) throws {
            destination = try a.requiredRegister(1, "dreg")
            modulus = try a.requiredU32(2, "modulus")
            type = try a.requiredU32(3, "type")
            offset = try a.u32(4) ?? 0
        }

        public var typeName: String { type == 0 ? "inc" : type == 1 ? "random" : "type\(type)" }

        var debugDescription: String {
            "numgen reg \(destination) = \(typeName) mod \(modulus)" + (offset != 0 ? " offset \(offset)" : "")
        }
    }

    /// `hash`: jhash or symmetric hash of a register, modulo `modulus`, plus `offset` (`NFTA_HASH_*`).
    public struct Hash: Hashable, Sendable, Encodable {
        public var source: Register?
        public var destination: Register
        public var length: UInt32
        public var modulus: UInt32
        public var seed: UInt32
        public var offset: UInt32
        /// 0 `jhash`, 1 `symhash` (`NFT_HASH_*`).
        public var type: UInt32

        init(_ a: ExpressionAttributes) throws {
            source = try a.register(1)
            destination = try a.requiredRegister(2, "dreg")
            length = try a.u32(3) ?? 0
            modulus = try a.requiredU32(4, "modulus")
            seed = try a.u32(5) ?? 0
            offset = try a.u32(6) ?? 0
            type = try a.u32(7) ?? 0
        }

        var debugDescription: String {
            if type == 1 { return "hash reg \(destination) = symhash() % mod \(modulus)" }
            return "hash reg \(destination) = jhash(reg \(source?.description ?? "?"), \(length), 0x\(hex8(seed))) % mod \(modulus)"
                + (offset != 0 ? " offset \(offset)" : "")
        }
    }
}
