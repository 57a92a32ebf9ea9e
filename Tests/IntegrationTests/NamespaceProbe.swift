import Foundation
import NetCore
import Netlink
import NetNS
import TestLab

/// What the namespace tests look at: which namespace a thread is in, and a link dump over a raw socket.
enum NamespaceProbe {
    /// The inode of a namespace file, by `stat` (following `/proc/.../ns/net` to the nsfs inode).
    static func inode(_ path: String) -> UInt64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return UInt64(info.st_ino)
    }

    /// The calling OS thread's network namespace (`/proc/self` would show the main thread's).
    static func threadInode() -> UInt64? { inode("/proc/thread-self/ns/net") }

    /// The main thread's network namespace (`/proc/self/ns/net` follows the thread-group leader).
    static func mainThreadInode() -> UInt64? { inode("/proc/self/ns/net") }

    /// Every thread of this process with its network namespace inode.
    static func allThreadInodes() -> [String: UInt64] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        var result: [String: UInt64] = [:]
        for task in tasks {
            // A thread may exit between the listing and the stat; it then has no namespace to leak.
            if let inode = inode("/proc/self/task/\(task)/ns/net") { result[task] = inode }
        }
        return result
    }

    /// Link names through a raw `RTM_GETLINK` dump on `connection`, as a consistent snapshot.
    static func linkNames(_ connection: NetlinkConnection) throws -> [String] {
        var names: [String] = []
        // struct ifinfomsg, all zero: every family, every link (strict checking wants the full header).
        let request = NetlinkRequest(type: 18 /* RTM_GETLINK */, flags: .dump,
                                     familyHeader: [UInt8](repeating: 0, count: 16))
        try connection.consistentDump(request, operation: .dump("links"), reset: { names = [] }) { message in
            guard message.header.type == 16 /* RTM_NEWLINK */ else { return }
            let attributes = try message.attributes(afterFamilyHeader: 16, path: "link").table()
            if let name = attributes[3 /* IFLA_IFNAME */]?.string { names.append(name) }
        }
        return names
    }

    /// The oracle: link names as `ip -j link show` prints them inside the namespace.
    static func oracleLinkNames(_ namespace: LabNamespace) throws -> Set<String> {
        let json = try namespace.exec(["ip", "-j", "link", "show"])
        let links = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]] ?? []
        return Set(links.compactMap { $0["ifname"] as? String })
    }
}

/// Lets a test hand a non-Sendable connection to another task; the test awaits it, so there is no overlap.
final class ConnectionBox: @unchecked Sendable {
    let connection: NetlinkConnection
    init(_ connection: NetlinkConnection) { self.connection = connection }
}
