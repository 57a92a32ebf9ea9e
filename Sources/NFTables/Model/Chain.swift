/// An nf_tables chain (`NFT_MSG_NEWCHAIN`): a base chain attached to a hook, or a regular chain reached by
/// jump and goto.
public struct Chain: Hashable, Sendable, Encodable {
    public var family: NFTFamily
    public var table: String
    public var name: String
    public var handle: UInt64
    public var kind: Kind
    /// `NFT_CHAIN_*` flags (`NFTA_CHAIN_FLAGS`): base, hardware offload, binding.
    public var flags: UInt32
    /// The number of references (`NFTA_CHAIN_USE`).
    public var use: UInt32
    public var userdata: [UInt8]
    /// Packets and bytes that met the base chain's policy (`NFTA_CHAIN_COUNTERS`).
    public var counters: Expression.Counter?

    public init(family: NFTFamily, table: String, name: String, handle: UInt64 = 0, kind: Kind = .regular,
                flags: UInt32 = 0, use: UInt32 = 0, userdata: [UInt8] = [], counters: Expression.Counter? = nil) {
        self.counters = counters
        self.family = family
        self.table = table
        self.name = name
        self.handle = handle
        self.kind = kind
        self.flags = flags
        self.use = use
        self.userdata = userdata
    }

    /// Base or regular.
    public enum Kind: Hashable, Sendable, Encodable {
        case base(BaseChain)
        case regular
    }

    /// The base-chain details, when it is one.
    public var base: BaseChain? {
        if case .base(let base) = kind { return base }
        return nil
    }

    /// The chain comment, from userdata.
    public var comment: String? { Userdata.comment(in: userdata, type: Userdata.chainComment) }
}

/// What makes a chain a base chain: the hook, its priority, type, policy and devices.
public struct BaseChain: Hashable, Sendable, Encodable {
    public var hook: Hook
    /// Lower runs first (`NFTA_HOOK_PRIORITY`, a signed 32-bit value).
    public var priority: Int32
    /// `filter`, `nat` or `route` (`NFTA_CHAIN_TYPE`).
    public var type: String
    /// `accept` or `drop` (`NFTA_CHAIN_POLICY`).
    public var policy: Verdict.Code
    /// Devices of netdev/inet ingress chains (`NFTA_HOOK_DEV`, `NFTA_HOOK_DEVS`).
    public var devices: [String]

    public init(hook: Hook, priority: Int32, type: String, policy: Verdict.Code, devices: [String] = []) {
        self.hook = hook
        self.priority = priority
        self.type = type
        self.policy = policy
        self.devices = devices
    }
}

/// A netfilter hook number (`NF_INET_*`, `NF_NETDEV_*`); its name depends on the family.
public struct Hook: RawRepresentable, Hashable, Sendable, Encodable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let prerouting = Hook(rawValue: 0)
    public static let input = Hook(rawValue: 1)
    public static let forward = Hook(rawValue: 2)
    public static let output = Hook(rawValue: 3)
    public static let postrouting = Hook(rawValue: 4)
    /// `NF_INET_INGRESS` (inet family, Linux 5.10).
    public static let ingress = Hook(rawValue: 5)

    /// The name `nft` prints for this hook in `family`.
    public func name(in family: NFTFamily) -> String {
        if family == .netdev { return rawValue == 0 ? "ingress" : rawValue == 1 ? "egress" : "hook\(rawValue)" }
        if family == .arp { return rawValue == 0 ? "input" : rawValue == 1 ? "output" : "hook\(rawValue)" }
        switch self {
        case .prerouting: return "prerouting"
        case .input: return "input"
        case .forward: return "forward"
        case .output: return "output"
        case .postrouting: return "postrouting"
        case .ingress: return "ingress"
        default: return "hook\(rawValue)"
        }
    }
}
