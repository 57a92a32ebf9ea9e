import NetCore
import SystemPackage

/// An open network namespace file (`/proc/PID/ns/net`, `/run/netns/NAME`): owning it keeps the namespace
/// alive and lets a thread enter it with `setns`. The descriptor closes when the handle goes away.
public struct NamespaceHandle: ~Copyable, Sendable {
    /// The open nsfs file.
    public let descriptor: FileDescriptor
    /// Device and inode of the namespace, and how the user named it.
    public let id: NamespaceID

    /// Where `ip netns add` keeps named namespaces.
    public static let namedNamespaceDirectory = "/run/netns"

    /// Opens a namespace file by path and checks that it is a network namespace.
    public init(path: String, label: String? = nil) throws(NamespaceError) {
        let label = label ?? path
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec])
        } catch {
            throw NamespaceHandle.classify(Errno(systemError: error), call: "open", path: path, label: label)
        }
        do {
            self.id = try NamespaceFile.identify(fd, label: label)
            self.descriptor = fd
        } catch {
            try? fd.close()
            throw error
        }
    }

    /// A namespace created with `ip netns add NAME`.
    public init(name: String) throws(NamespaceError) {
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw NamespaceError(kind: .notFound, target: name)
        }
        try self.init(path: "\(NamespaceHandle.namedNamespaceDirectory)/\(name)", label: name)
    }

    /// The namespace of a process.
    public init(pid: Int32) throws(NamespaceError) {
        do {
            try self.init(path: "/proc/\(pid)/ns/net", label: "pid \(pid)")
        } catch where error.kind == .notFound {
            throw NamespaceError(kind: .processGone, target: "\(pid)", underlying: error.underlying)
        }
    }

    /// The namespace this process started in (its main thread's).
    public static func current() throws(NamespaceError) -> NamespaceHandle {
        try NamespaceHandle(path: "/proc/self/ns/net", label: "current")
    }

    /// Accepts what a user types: a path (contains `/`), a pid (digits), or a name under `/run/netns`.
    public init(spec: String) throws(NamespaceError) {
        if spec.contains("/") {
            try self.init(path: spec)
        } else if let pid = Int32(spec), pid > 0 {
            try self.init(pid: pid)
        } else {
            try self.init(name: spec)
        }
    }

    deinit { try? descriptor.close() }

    static func classify(_ errno: Errno, call: String, path: String, label: String) -> NamespaceError {
        let underlying = SyscallError(call: call, target: path, errno: errno)
        switch errno {
        case .noSuchFileOrDirectory, .notDirectory: return NamespaceError(kind: .notFound, target: label, underlying: underlying)
        case .noSuchProcess: return NamespaceError(kind: .processGone, target: label, underlying: underlying)
        case .notPermitted, .permissionDenied:
            return NamespaceError(kind: .permissionDenied, target: label, underlying: underlying)
        default: return NamespaceError(kind: .failed, target: label, underlying: underlying)
        }
    }
}

extension NamespaceHandle {
    /// The identity of a namespace file without opening it (`stat` follows `/proc/PID/ns/net` to the nsfs
    /// inode); `nil` when the path is gone or not accessible. For listings, where a missing entry is normal.
    public static func identity(ofPath path: String, label: String) -> NamespaceID? {
        guard let found = NamespaceFile.identify(path: path) else { return nil }
        return NamespaceID(device: found.device, inode: found.inode, label: label)
    }
}
