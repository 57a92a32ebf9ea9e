/// The identity of a network namespace: the device and inode of its nsfs file.
///
/// Two handles name the same namespace exactly when device and inode agree (the way `ip netns identify`
/// and `lsns` compare them). `label` says how the user named it and takes no part in equality.
public struct NamespaceID: Hashable, Sendable, CustomStringConvertible, Codable {
    /// `st_dev` of the nsfs file.
    public var device: UInt64
    /// `st_ino` of the nsfs file, the number `ip netns` and `lsns` print.
    public var inode: UInt64
    /// How the namespace was named: `nfs-a`, `/proc/42/ns/net`, `pid 42`, `current`.
    public var label: String

    public init(device: UInt64, inode: UInt64, label: String) {
        self.device = device
        self.inode = inode
        self.label = label
    }

    public static func == (lhs: NamespaceID, rhs: NamespaceID) -> Bool {
        lhs.device == rhs.device && lhs.inode == rhs.inode
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(device)
        hasher.combine(inode)
    }

    public var description: String { "netns \(label) (inode \(inode))" }
}
