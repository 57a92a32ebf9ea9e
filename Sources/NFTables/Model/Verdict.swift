/// An nf_tables verdict (`NFTA_DATA_VERDICT`): a code, and for jump and goto the target chain.
public struct Verdict: Hashable, Sendable, Encodable, CustomStringConvertible {
    public var code: Code
    /// The target of `jump` and `goto` (`NFTA_VERDICT_CHAIN`).
    public var chain: String?

    public init(code: Code, chain: String? = nil) {
        self.code = code
        self.chain = chain
    }

    /// A verdict code: the netfilter verdicts (`NF_DROP`, `NF_ACCEPT`, …) and nf_tables' own negative ones.
    public struct Code: RawRepresentable, Hashable, Sendable, Encodable, CustomStringConvertible {
        public var rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }

        public static let drop = Code(rawValue: 0)
        public static let accept = Code(rawValue: 1)
        public static let stolen = Code(rawValue: 2)
        public static let queue = Code(rawValue: 3)
        public static let repeat_ = Code(rawValue: 4)
        public static let stop = Code(rawValue: 5)
        public static let `continue` = Code(rawValue: -1)
        public static let `break` = Code(rawValue: -2)
        public static let jump = Code(rawValue: -3)
        public static let goto = Code(rawValue: -4)
        public static let `return` = Code(rawValue: -5)

        public var description: String {
            switch self {
            case .drop: return "drop"
            case .accept: return "accept"
            case .stolen: return "stolen"
            case .queue: return "queue"
            case .repeat_: return "repeat"
            case .stop: return "stop"
            case .continue: return "continue"
            case .break: return "break"
            case .jump: return "jump"
            case .goto: return "goto"
            case .return: return "return"
            default: return "verdict(\(rawValue))"
            }
        }
    }

    /// `accept`, `jump KUBE-SERVICES`, as nft prints it.
    public var description: String {
        if let chain, code == .jump || code == .goto { return "\(code) \(chain)" }
        return code.description
    }
}

/// A value in nf_tables data (`NFTA_DATA_*`): bytes, or a verdict.
public enum NFTData: Hashable, Sendable, Encodable {
    case value([UInt8])
    case verdict(Verdict)

    /// The bytes, when it is a value.
    public var bytes: [UInt8]? {
        if case .value(let bytes) = self { return bytes }
        return nil
    }
}
