extension Expression {
    /// `ct`: loads a conntrack field into a register, or sets one from a register.
    /// Kernel attributes `NFTA_CT_DREG`, `NFTA_CT_KEY`, `NFTA_CT_DIRECTION`, `NFTA_CT_SREG`.
    public struct Ct: Hashable, Sendable, Encodable {
        public enum Operation: Hashable, Sendable, Encodable {
            case load(destination: Register)
            case set(source: Register)
        }
        public var key: CtKey
        /// 0 original, 1 reply, for directional keys (`NFTA_CT_DIRECTION`).
        public var direction: UInt8?
        public var operation: Operation

        public init(key: CtKey, direction: UInt8? = nil, operation: Operation) {
            self.key = key
            self.direction = direction
            self.operation = operation
        }

        init(_ a: ExpressionAttributes) throws {
            key = CtKey(rawValue: try a.requiredU32(2, "key"))
            direction = try a.u8(3)
            if let source = try a.register(4) {
                operation = .set(source: source)
            } else {
                operation = .load(destination: try a.requiredRegister(1, "dreg"))
            }
        }

        var debugDescription: String {
            let dir = direction.map { ", dir \($0 == 0 ? "original" : "reply") " } ?? ""
            switch operation {
            case .load(let destination): return "ct load \(key) => reg \(destination) \(dir)".trimmingSpaces
            case .set(let source): return "ct set \(key) with reg \(source) \(dir)".trimmingSpaces
            }
        }
    }
}

/// `NFT_CT_*`: which conntrack field a `ct` expression reads or writes.
public struct CtKey: RawRepresentable, Hashable, Sendable, Encodable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let state = CtKey(rawValue: 0)
    public static let direction = CtKey(rawValue: 1)
    public static let status = CtKey(rawValue: 2)
    public static let mark = CtKey(rawValue: 3)
    public static let secmark = CtKey(rawValue: 4)
    public static let expiration = CtKey(rawValue: 5)
    public static let helper = CtKey(rawValue: 6)
    public static let l3protocol = CtKey(rawValue: 7)
    public static let src = CtKey(rawValue: 8)
    public static let dst = CtKey(rawValue: 9)
    public static let `protocol` = CtKey(rawValue: 10)
    public static let protoSrc = CtKey(rawValue: 11)
    public static let protoDst = CtKey(rawValue: 12)
    public static let labels = CtKey(rawValue: 13)
    public static let packets = CtKey(rawValue: 14)
    public static let bytes = CtKey(rawValue: 15)
    public static let avgpkt = CtKey(rawValue: 16)
    public static let zone = CtKey(rawValue: 17)
    public static let eventmask = CtKey(rawValue: 18)
    public static let srcIP = CtKey(rawValue: 19)
    public static let dstIP = CtKey(rawValue: 20)
    public static let srcIP6 = CtKey(rawValue: 21)
    public static let dstIP6 = CtKey(rawValue: 22)
    public static let id = CtKey(rawValue: 23)

    static let names = ["state", "direction", "status", "mark", "secmark", "expiration", "helper", "l3protocol",
                        "src", "dst", "protocol", "proto_src", "proto_dst", "label", "packets", "bytes", "avgpkt",
                        "zone", "event", "src_ip", "dst_ip", "src_ip6", "dst_ip6", "id"]

    /// libnftnl's name (`state`, `proto_dst`, …).
    public var description: String {
        Int(rawValue) < CtKey.names.count ? CtKey.names[Int(rawValue)] : "key\(rawValue)"
    }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
