import NetCore
import NetNS

/// What `nfscope netns list` shows for one namespace: identity, names, some processes, interfaces.
///
/// JSON keys (snake_case): `inode`, `device`, `label`, `names`, `is_current`, `process_count`,
/// `processes` (`pid`, `command`; at most `NamespaceReport.processLimit`), `interfaces`, `error`.
public struct NamespaceReport: Sendable, Codable {
    public var inode: UInt64
    public var device: UInt64
    public var label: String
    public var names: [String]
    public var isCurrent: Bool
    public var processCount: Int
    public var processes: [NamespaceProcess]
    public var interfaces: [InterfaceReport]
    /// Why the interfaces could not be read (the namespace vanished mid-read, say); the rest still stands.
    public var error: String?

    /// How many processes a report names.
    public static let processLimit = 5
}

/// One interface of a namespace, with its addresses and, for a veth, where its peer lives.
public struct InterfaceReport: Sendable, Codable, Hashable {
    public var index: Int32
    public var name: String
    /// `veth`, `bridge`, `vxlan`, `loopback`, `device`, …
    public var kind: String
    public var mtu: UInt32
    public var isUp: Bool
    public var master: String?
    public var addresses: [IPPrefix]
    /// For a veth whose peer is in another namespace: that namespace and the peer's name and index.
    public var peer: PeerReport?
}

/// The other end of a veth.
public struct PeerReport: Sendable, Codable, Hashable {
    /// The peer namespace's label (a name, or `pid N`), or nil when it is the same namespace.
    public var namespace: String?
    public var namespaceInode: UInt64?
    public var index: Int32
    public var name: String?
}

/// The top-level JSON document of `nfscope netns list --json`.
public struct NamespaceListDocument: Sendable, Codable {
    public var schemaVersion = 1
    public var namespaces: [NamespaceReport]

    public init(namespaces: [NamespaceReport]) { self.namespaces = namespaces }
}
