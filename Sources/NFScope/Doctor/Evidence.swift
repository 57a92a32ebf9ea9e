/// One fact behind a finding. `kind` says which of the optional members is set (exactly one is).
public struct Evidence: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case rule, chain, setElement = "set_element", sysctl, conntrack, conntrackStatistics = "conntrack_statistics"
        case interface, table
    }

    public var kind: Kind
    public var rule: RuleEvidence?
    public var chain: ChainEvidence?
    public var setElement: SetElementEvidence?
    public var sysctl: SysctlEvidence?
    public var conntrack: [ConntrackEntryEvidence]?
    public var conntrackStatistics: ConntrackStatisticsEvidence?
    public var interface: InterfaceEvidence?
    public var table: TableEvidence?

    public static func rule(_ value: RuleEvidence) -> Evidence { Evidence(kind: .rule, rule: value) }
    public static func chain(_ value: ChainEvidence) -> Evidence { Evidence(kind: .chain, chain: value) }
    public static func setElement(_ value: SetElementEvidence) -> Evidence { Evidence(kind: .setElement, setElement: value) }
    public static func sysctl(_ value: SysctlEvidence) -> Evidence { Evidence(kind: .sysctl, sysctl: value) }
    public static func conntrack(_ value: [ConntrackEntryEvidence]) -> Evidence { Evidence(kind: .conntrack, conntrack: value) }
    public static func statistics(_ value: ConntrackStatisticsEvidence) -> Evidence {
        Evidence(kind: .conntrackStatistics, conntrackStatistics: value)
    }
    public static func interface(_ value: InterfaceEvidence) -> Evidence { Evidence(kind: .interface, interface: value) }
    public static func table(_ value: TableEvidence) -> Evidence { Evidence(kind: .table, table: value) }

    init(kind: Kind, rule: RuleEvidence? = nil, chain: ChainEvidence? = nil, setElement: SetElementEvidence? = nil,
         sysctl: SysctlEvidence? = nil, conntrack: [ConntrackEntryEvidence]? = nil,
         conntrackStatistics: ConntrackStatisticsEvidence? = nil, interface: InterfaceEvidence? = nil,
         table: TableEvidence? = nil) {
        self.kind = kind
        self.rule = rule
        self.chain = chain
        self.setElement = setElement
        self.sysctl = sysctl
        self.conntrack = conntrack
        self.conntrackStatistics = conntrackStatistics
        self.interface = interface
        self.table = table
    }
}

/// A rule (or a chain's policy, when `handle` is nil) as the kernel holds it.
public struct RuleEvidence: Codable, Sendable, Equatable, Hashable {
    public var namespace: String
    /// `iptables-nft`, `nftables` or `iptables-legacy`.
    public var backend: String
    public var family: String
    public var table: String
    public var chain: String
    /// The nf_tables handle; nil for a chain policy and for iptables-legacy rules.
    public var handle: UInt64?
    /// An iptables-legacy rule's 1-based position in its chain (legacy rules have no handle).
    public var position: UInt64?
    /// In iptables syntax when iptables-nft (or iptables-legacy) wrote it, else nft syntax.
    public var text: String?

    public init(namespace: String, backend: String, family: String, table: String, chain: String, handle: UInt64?,
                position: UInt64? = nil, text: String?) {
        self.namespace = namespace
        self.backend = backend
        self.family = family
        self.table = table
        self.chain = chain
        self.handle = handle
        self.position = position
        self.text = text
    }
}

/// A base chain: where it hooks in and at what priority.
public struct ChainEvidence: Codable, Sendable, Equatable, Hashable {
    public var namespace: String
    public var backend: String
    public var family: String
    public var table: String
    public var chain: String
    public var hook: String?
    public var priority: Int32?
    public var policy: String?
}

/// An element of an nf_tables set or map.
public struct SetElementEvidence: Codable, Sendable, Equatable {
    public var namespace: String
    public var family: String
    public var table: String
    public var set: String
    /// The key as nft prints it (`10.43.0.20 . tcp . 80`).
    public var key: String
    /// The mapped verdict or value, when a map.
    public var value: String?
    public var comment: String?
}

public struct SysctlEvidence: Codable, Sendable, Equatable {
    public var namespace: String
    public var key: String
    /// The value read; `absent` when the file does not exist.
    public var value: String
}

/// One conntrack entry, both directions.
public struct ConntrackEntryEvidence: Codable, Sendable, Equatable {
    public var namespace: String
    public var proto: String
    public var original: String
    public var reply: String
    public var timeout: UInt32?
}

public struct ConntrackStatisticsEvidence: Codable, Sendable, Equatable {
    public var namespace: String
    public var entries: UInt32?
    public var maximum: UInt32?
    /// Sums over CPUs, at the first and the second sample.
    public var insertFailed: [UInt64]
    public var drop: [UInt64]
    public var intervalSeconds: Double
}

public struct InterfaceEvidence: Codable, Sendable, Equatable {
    public var namespace: String
    public var name: String
    public var mtu: UInt32?
    public var kind: String
}

/// A table of one backend and how many rules it holds.
public struct TableEvidence: Codable, Sendable, Equatable {
    public var namespace: String
    public var backend: String
    public var family: String
    public var table: String
    public var rules: Int
}
