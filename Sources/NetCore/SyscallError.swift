import SystemPackage

/// A system call that failed: which call, on what, and the errno it returned.
///
/// Used for `open`, `setns`, `socket`, `bind`, `stat` and the like; netlink conversations use `NetlinkError`.
public struct SyscallError: Error, Sendable, CustomStringConvertible {
    /// The call, such as `setns` or `open`.
    public var call: String
    /// What it was called on: a path, a pid, a namespace label.
    public var target: String
    /// The errno the call returned.
    public var errno: Errno

    public init(call: String, target: String, errno: Errno) {
        self.call = call
        self.target = target
        self.errno = errno
    }

    public var description: String { "\(call) \(target): \(errno.describedWithName)" }
}

extension Errno {
    /// `Operation not permitted (EPERM)`: the text and the symbolic name, as an operator wants both.
    public var describedWithName: String {
        let name = Errno.symbolicNames[rawValue] ?? "errno \(rawValue)"
        return "\(description) (\(name))"
    }

    /// Whether the error means the caller lacks privilege (EPERM or EACCES).
    public var isPermissionDenied: Bool { self == .notPermitted || self == .permissionDenied }

    static let symbolicNames: [CInt: String] = [
        1: "EPERM", 2: "ENOENT", 3: "ESRCH", 4: "EINTR", 5: "EIO", 9: "EBADF", 11: "EAGAIN", 12: "ENOMEM",
        13: "EACCES", 14: "EFAULT", 16: "EBUSY", 17: "EEXIST", 19: "ENODEV", 20: "ENOTDIR", 22: "EINVAL",
        24: "EMFILE", 28: "ENOSPC", 34: "ERANGE", 71: "EPROTO", 74: "EBADMSG", 75: "EOVERFLOW",
        90: "EMSGSIZE", 93: "EPROTONOSUPPORT", 95: "EOPNOTSUPP", 97: "EAFNOSUPPORT", 105: "ENOBUFS",
        110: "ETIMEDOUT", 111: "ECONNREFUSED", 113: "EHOSTUNREACH"
    ]
}

extension Errno {
    /// The errno inside an error thrown by swift-system (which throws untyped), or `EIO` for anything else.
    public init(systemError error: any Error) {
        self = (error as? Errno) ?? .ioError
    }
}
