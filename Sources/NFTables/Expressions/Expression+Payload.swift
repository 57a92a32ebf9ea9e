extension Expression {
    /// `payload`: loads bytes of a packet header into a register, or writes a register into the packet
    /// (mangling, with checksum fix-up). Kernel attributes `NFTA_PAYLOAD_*`.
    public struct Payload: Hashable, Sendable, Encodable {
        public enum Operation: Hashable, Sendable, Encodable {
            /// Load `length` bytes at `base + offset` into `destination` (`NFTA_PAYLOAD_DREG`).
            case load(destination: Register)
            /// Write `source` at `base + offset` (`NFTA_PAYLOAD_SREG`), fixing checksums.
            case write(source: Register, checksumType: UInt32, checksumOffset: UInt32, checksumFlags: UInt32)
        }
        public var operation: Operation
        public var base: PayloadBase
        public var offset: UInt32
        public var length: UInt32

        public init(operation: Operation, base: PayloadBase, offset: UInt32, length: UInt32) {
            self.operation = operation
            self.base = base
            self.offset = offset
            self.length = length
        }

        init(_ a: ExpressionAttributes) throws {
            base = PayloadBase(rawValue: try a.requiredU32(2, "base"))
            offset = try a.requiredU32(3, "offset")
            length = try a.requiredU32(4, "len")
            if let source = try a.register(5) {
                operation = .write(source: source, checksumType: try a.u32(6) ?? 0,
                                   checksumOffset: try a.u32(7) ?? 0, checksumFlags: try a.u32(8) ?? 0)
            } else {
                operation = .load(destination: try a.requiredRegister(1, "dreg"))
            }
        }

        var debugDescription: String {
            switch operation {
            case .load(let destination):
                return "payload load \(length)b @ \(base) header + \(offset) => reg \(destination)"
            case .write(let source, let type, let csumOffset, let flags):
                return "payload write reg \(source) => \(length)b @ \(base) header + \(offset) csum_type \(type) "
                    + "csum_off \(csumOffset) csum_flags 0x\(String(flags, radix: 16))"
            }
        }
    }
}

/// Where a payload offset counts from (`NFT_PAYLOAD_*_HEADER`).
public struct PayloadBase: RawRepresentable, Hashable, Sendable, Encodable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let linkLayer = PayloadBase(rawValue: 0)
    public static let network = PayloadBase(rawValue: 1)
    public static let transport = PayloadBase(rawValue: 2)
    public static let inner = PayloadBase(rawValue: 3)

    public var description: String {
        switch self {
        case .linkLayer: return "link"
        case .network: return "network"
        case .transport: return "transport"
        case .inner: return "inner"
        default: return "base\(rawValue)"
        }
    }
}
