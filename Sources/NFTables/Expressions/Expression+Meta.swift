extension Expression {
    /// `meta`: loads packet metadata (mark, interface, protocol, …) into a register, or sets it from one.
    /// Kernel attributes `NFTA_META_DREG`, `NFTA_META_KEY`, `NFTA_META_SREG`.
    public struct Meta: Hashable, Sendable, Encodable {
        public enum Operation: Hashable, Sendable, Encodable {
            case load(destination: Register)
            case set(source: Register)
        }
        public var key: MetaKey
        public var operation: Operation

        public init(key: MetaKey, operation: Operation) {
            self.key = key
            self.operation = operation
        }

        init(_ a: ExpressionAttributes) throws {
            key = MetaKey(rawValue: try a.requiredU32(2, "key"))
            if let source = try a.register(3) {
                operation = .set(source: source)
            } else {
                operation = .load(destination: try a.requiredRegister(1, "dreg"))
            }
        }

        var debugDescription: String {
            switch operation {
            case .load(let destination): return "meta load \(key) => reg \(destination)"
            case .set(let source): return "meta set \(key) with reg \(source)"
            }
        }
    }
}

/// `NFT_META_*`: what a `meta` expression reads or writes.
public struct MetaKey: RawRepresentable, Hashable, Sendable, Encodable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let len = MetaKey(rawValue: 0)
    public static let `protocol` = MetaKey(rawValue: 1)
    public static let priority = MetaKey(rawValue: 2)
    public static let mark = MetaKey(rawValue: 3)
    public static let iif = MetaKey(rawValue: 4)
    public static let oif = MetaKey(rawValue: 5)
    public static let iifname = MetaKey(rawValue: 6)
    public static let oifname = MetaKey(rawValue: 7)
    public static let iiftype = MetaKey(rawValue: 8)
    public static let oiftype = MetaKey(rawValue: 9)
    public static let skuid = MetaKey(rawValue: 10)
    public static let skgid = MetaKey(rawValue: 11)
    public static let nftrace = MetaKey(rawValue: 12)
    public static let rtclassid = MetaKey(rawValue: 13)
    public static let secmark = MetaKey(rawValue: 14)
    public static let nfproto = MetaKey(rawValue: 15)
    public static let l4proto = MetaKey(rawValue: 16)
    public static let briIifname = MetaKey(rawValue: 17)
    public static let briOifname = MetaKey(rawValue: 18)
    public static let pkttype = MetaKey(rawValue: 19)
    public static let cpu = MetaKey(rawValue: 20)
    public static let iifgroup = MetaKey(rawValue: 21)
    public static let oifgroup = MetaKey(rawValue: 22)
    public static let cgroup = MetaKey(rawValue: 23)
    public static let prandom = MetaKey(rawValue: 24)
    public static let secpath = MetaKey(rawValue: 25)
    public static let iifkind = MetaKey(rawValue: 26)
    public static let oifkind = MetaKey(rawValue: 27)

    static let names = ["len", "protocol", "priority", "mark", "iif", "oif", "iifname", "oifname", "iiftype",
                        "oiftype", "skuid", "skgid", "nftrace", "rtclassid", "secmark", "nfproto", "l4proto",
                        "bri_iifname", "bri_oifname", "pkttype", "cpu", "iifgroup", "oifgroup", "cgroup",
                        "prandom", "secpath", "iifkind", "oifkind", "bri_iifpvid", "bri_iifvproto", "time",
                        "day", "hour", "sdif", "sdifname", "bri_broute"]

    /// libnftnl's name (`l4proto`, `iifname`, …).
    public var description: String {
        Int(rawValue) < MetaKey.names.count ? MetaKey.names[Int(rawValue)] : "key\(rawValue)"
    }
}
