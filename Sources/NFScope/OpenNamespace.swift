import NetCore
import NetNS
import Netlink
import Route

/// A namespace held open while a listing is built: its handle, a route socket inside it, and its links.
final class OpenNamespace {
    let handle: NamespaceHandle
    let label: String
    let reader: RouteReader
    let links: [Link]
    let addresses: [InterfaceAddress]

    var id: NamespaceID { handle.id }

    /// Opens the first path of the entry that still works; `nil` when all of them are gone (the processes
    /// exited and no name is left), which means the namespace itself is gone.
    static func open(_ entry: NamespaceInventory.Entry) throws -> OpenNamespace? {
        let label = entry.isCurrent && entry.names.isEmpty ? "current" : entry.label
        for path in entry.openPaths {
            if let namespace = try attempt(path, expected: entry.id, label: label) { return namespace }
        }
        return nil
    }

    private static func attempt(_ path: String, expected: NamespaceID, label: String) throws -> OpenNamespace? {
        guard let handle = try openIfPresent(path, label: label) else { return nil }
        guard handle.id == expected else { return nil }  // the pid was reused by another process
        return try OpenNamespace(handle: handle, label: label)
    }

    private static func openIfPresent(_ path: String, label: String) throws -> NamespaceHandle? {
        // (A `catch where` clause here crashes the 6.3 compiler's ownership checker.)
        if NamespaceHandle.identity(ofPath: path, label: label) == nil { return nil }
        return try NamespaceHandle(path: path, label: label)
    }

    /// Once open, the handle keeps the namespace alive: the reads below succeed even if its last process
    /// exits meanwhile.
    private init(handle: consuming NamespaceHandle, label: String) throws {
        let reader = RouteReader(connection: try handle.connection(.route))
        self.links = try reader.links()
        self.addresses = try reader.addresses()
        self.reader = reader
        self.label = label
        self.handle = handle
    }

    var linkNames: [Int32: String] { Dictionary(links.map { ($0.index, $0.name) }, uniquingKeysWith: { a, _ in a }) }

    /// Interface index → the netns id its veth peer lives in, for links whose peer is elsewhere.
    var peerNamespaceIDs: [Int32: Int32] {
        Dictionary(links.compactMap { link in link.linkNamespaceID.map { (link.index, $0) } },
                   uniquingKeysWith: { a, _ in a })
    }

    var hasForeignPeers: Bool { links.contains { $0.linkNamespaceID != nil } }

    /// The id this namespace gives `other`, if it has given it one.
    func nsid(of other: OpenNamespace) -> Int32? {
        (try? reader.namespaceID(ofDescriptor: other.handle.descriptor.rawValue)) ?? nil
    }

    func interfaces() -> [InterfaceReport] {
        let names = linkNames
        return links.sorted { $0.index < $1.index }.map { link in
            let kind = link.kind?.rawValue ?? (link.flags.contains(.loopback) ? "loopback" : "device")
            var peer: PeerReport?
            if link.kind == .veth, let peerIndex = link.parentIndex {
                // Without a netns id the peer is in this namespace; with one, resolvePeers names the place.
                peer = PeerReport(namespace: nil, namespaceInode: nil, index: peerIndex,
                                  name: link.linkNamespaceID == nil ? names[peerIndex] : nil)
            }
            return InterfaceReport(
                index: link.index, name: link.name, kind: kind, mtu: link.mtu ?? 0, isUp: link.isUp,
                master: link.masterIndex.flatMap { names[$0] },
                addresses: addresses.filter { $0.interfaceIndex == link.index }.map(\.prefix),
                peer: peer)
        }
    }
}
