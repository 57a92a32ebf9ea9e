import Foundation
import NetCore
import NetNS

/// Every network namespace on the machine, found the way `lsns -t net` and `ip netns` find them: the
/// bind mounts under `/run/netns` and each process's `/proc/PID/ns/net`, de-duplicated by device + inode.
public struct NamespaceInventory: Sendable {
    /// One namespace and how it can be reached.
    public struct Entry: Sendable {
        public var id: NamespaceID
        /// Names under `/run/netns` (a namespace may have several, or none).
        public var names: [String]
        /// Processes inside it, lowest pid first.
        public var processes: [NamespaceProcess]
        /// Whether this is the namespace nfscope itself runs in.
        public var isCurrent: Bool

        /// Paths that open this namespace, best first: a name's bind mount, then each process's file.
        public var openPaths: [String] {
            names.map { "\(NamespaceHandle.namedNamespaceDirectory)/\($0)" } + processes.map { "/proc/\($0.pid)/ns/net" }
        }

        /// A short label: its first name, else `pid N`.
        public var label: String {
            if let name = names.first { return name }
            if let process = processes.first { return "pid \(process.pid)" }
            return "inode \(id.inode)"
        }
    }

    public var entries: [Entry]

    /// Scans `/run/netns` and `/proc`. Processes that exit during the scan are skipped.
    public static func scan(procRoot: String = "/proc",
                            namedRoot: String = NamespaceHandle.namedNamespaceDirectory) -> NamespaceInventory {
        var byIdentity: [NamespaceID: Entry] = [:]
        var order: [NamespaceID] = []
        func add(_ id: NamespaceID, name: String? = nil, process: NamespaceProcess? = nil) {
            if byIdentity[id] == nil {
                byIdentity[id] = Entry(id: id, names: [], processes: [], isCurrent: false)
                order.append(id)
            }
            if let name { byIdentity[id]?.names.append(name) }
            if let process { byIdentity[id]?.processes.append(process) }
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: namedRoot)) ?? []
        for name in names.sorted() {
            if let id = NamespaceHandle.identity(ofPath: "\(namedRoot)/\(name)", label: name) { add(id, name: name) }
        }
        let pids = ((try? FileManager.default.contentsOfDirectory(atPath: procRoot)) ?? []).compactMap { Int32($0) }.sorted()
        for pid in pids {
            guard let id = NamespaceHandle.identity(ofPath: "\(procRoot)/\(pid)/ns/net", label: "pid \(pid)") else { continue }
            add(id, process: NamespaceProcess(pid: pid, command: NamespaceProcess.command(of: pid, procRoot: procRoot)))
        }
        let current = NamespaceHandle.identity(ofPath: "\(procRoot)/self/ns/net", label: "current")
        var entries = order.compactMap { byIdentity[$0] }
        for index in entries.indices where entries[index].id == current { entries[index].isCurrent = true }
        // The current namespace first, then named ones, then the rest by inode: a stable, readable order.
        entries.sort { a, b in
            if a.isCurrent != b.isCurrent { return a.isCurrent }
            if a.names.isEmpty != b.names.isEmpty { return !a.names.isEmpty }
            return a.id.inode < b.id.inode
        }
        return NamespaceInventory(entries: entries)
    }
}

/// A process seen inside a namespace.
public struct NamespaceProcess: Sendable, Codable, Hashable {
    public var pid: Int32
    /// `/proc/PID/comm`, or empty when the process went away.
    public var command: String

    static func command(of pid: Int32, procRoot: String) -> String {
        guard let data = FileManager.default.contents(atPath: "\(procRoot)/\(pid)/comm") else { return "" }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
