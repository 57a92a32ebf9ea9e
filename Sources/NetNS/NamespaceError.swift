import NetCore
import SystemPackage

/// A network namespace that could not be opened or entered, with the reason an operator can act on.
public struct NamespaceError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// No namespace by that name or path (`/run/netns/NAME` or the path is missing).
        case notFound
        /// The process is gone (it exited before or while its namespace was opened).
        case processGone
        /// The path exists but is not a network namespace file.
        case notANetworkNamespace
        /// The caller lacks the privilege (CAP_SYS_ADMIN for setns, root to open other processes' namespaces).
        case permissionDenied
        /// Any other failure; `underlying` says which call.
        case failed
    }

    public var kind: Kind
    /// What the user asked for: `nfs-a`, `/proc/42/ns/net`, `pid 42`.
    public var target: String
    /// The system call that failed, with its errno.
    public var underlying: SyscallError?

    public init(kind: Kind, target: String, underlying: SyscallError? = nil) {
        self.kind = kind
        self.target = target
        self.underlying = underlying
    }

    public var description: String {
        switch kind {
        case .notFound: return "network namespace \(target) does not exist"
        case .processGone: return "process \(target) is gone (it exited), so its network namespace cannot be read"
        case .notANetworkNamespace: return "\(target) is not a network namespace"
        case .permissionDenied:
            return "reading network namespace \(target) needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN); run it with sudo"
        case .failed: return "network namespace \(target): \(underlying.map { "\($0)" } ?? "failed")"
        }
    }
}
