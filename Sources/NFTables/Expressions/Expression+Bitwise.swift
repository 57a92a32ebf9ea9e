import Netlink

extension Expression {
    /// `bitwise`: `dreg = (sreg & mask) ^ xor`, or a shift. Kernel attributes `NFTA_BITWISE_*`.
    public struct Bitwise: Hashable, Sendable, Encodable {
        public enum Operation: Hashable, Sendable, Encodable {
            /// `NFT_BITWISE_MASK_XOR` (formerly `BOOL`).
            case maskXor(mask: [UInt8], xor: [UInt8])
            /// `NFT_BITWISE_LSHIFT` by `NFTA_BITWISE_DATA` bits.
            case leftShift(UInt32)
            /// `NFT_BITWISE_RSHIFT`.
            case rightShift(UInt32)
            /// A newer operation, with its data kept raw.
            case other(op: UInt32, data: [UInt8])
        }
        public var source: Register
        public var destination: Register
        public var length: UInt32
        public var operation: Operation

        public init(source: Register, destination: Register, length: UInt32, operation: Operation) {
            self.source = source
            self.destination = destination
            self.length = length
            self.operation = operation
        }

        init(_ a: ExpressionAttributes) throws {
            source = try a.requiredRegister(1, "sreg")
            destination = try a.requiredRegister(2, "dreg")
            length = try a.requiredU32(3, "len")
            switch try a.u32(6) ?? 0 {
            case 0: operation = .maskXor(mask: try a.requiredValue(4, "mask"), xor: try a.requiredValue(5, "xor"))
            case 1: operation = .leftShift(try shiftAmount(a))
            case 2: operation = .rightShift(try shiftAmount(a))
            case let op: operation = .other(op: op, data: (try a.data(7))?.bytes ?? [])
            }
        }

        var debugDescription: String {
            switch operation {
            case .maskXor(let mask, let xor):
                return "bitwise reg \(destination) = ( reg \(source) & \(mask.debugWords) ) ^ \(xor.debugWords)"
            case .leftShift(let n): return "bitwise reg \(destination) = ( reg \(source) << 0x\(hex8(n)) )"
            case .rightShift(let n): return "bitwise reg \(destination) = ( reg \(source) >> 0x\(hex8(n)) )"
            case .other(let op, let data): return "bitwise reg \(destination) = ( reg \(source) op \(op) \(data.debugWords) )"
            }
        }
    }
}

/// The shift amount: a 4-byte host-order value in `NFTA_BITWISE_DATA`.
private func shiftAmount(_ a: ExpressionAttributes) throws -> UInt32 {
    let bytes = try a.requiredValue(7, "data")
    return try bytes[...].hostInteger(UInt32.self, path: a.path + ".data")
}

extension Expression {
    /// `byteorder`: converts between host and network order. Kernel attributes `NFTA_BYTEORDER_*`.
    public struct Byteorder: Hashable, Sendable, Encodable {
        public var source: Register
        public var destination: Register
        /// 0 `ntoh`, 1 `hton` (`NFT_BYTEORDER_*`).
        public var op: UInt32
        public var length: UInt32
        public var size: UInt32

        init(_ a: ExpressionAttributes) throws {
            source = try a.requiredRegister(1, "sreg")
            destination = try a.requiredRegister(2, "dreg")
            op = try a.requiredU32(3, "op")
            length = try a.requiredU32(4, "len")
            size = try a.requiredU32(5, "size")
        }

        var debugDescription: String {
            "byteorder reg \(destination) = \(op == 0 ? "ntoh" : "hton")(reg \(source), \(size), \(length))"
        }
    }
}
