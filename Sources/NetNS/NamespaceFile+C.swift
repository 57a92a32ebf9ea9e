internal import CMNL
import NetCore
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// The few system calls on namespace files: identity by fstat, type by ioctl, and setns.
enum NamespaceFile {
    /// `NS_GET_NSTYPE` from `<linux/nsfs.h>`: `_IO(0xb7, 0x3)`.
    private static let getNamespaceType: UInt = 0xb703

    static func identify(_ fd: FileDescriptor, label: String) throws(NamespaceError) -> NamespaceID {
        var info = stat()
        guard fstat(fd.rawValue, &info) == 0 else {
            throw NamespaceHandle.classify(Errno(rawValue: errno), call: "fstat", path: label, label: label)
        }
        let type = ioctl(fd.rawValue, getNamespaceType)
        guard type == CMNL_CLONE_NEWNET else {
            throw NamespaceError(kind: .notANetworkNamespace, target: label,
                                 underlying: type < 0 ? SyscallError(call: "ioctl(NS_GET_NSTYPE)", target: label,
                                                                      errno: Errno(rawValue: errno)) : nil)
        }
        return NamespaceID(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), label: label)
    }

    /// Identity of a namespace file by path without keeping it open (for listings).
    static func identify(path: String) -> (device: UInt64, inode: UInt64)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }

    /// Moves the calling thread into the namespace behind `fd`.
    static func enter(_ fd: Int32, label: String) throws(NamespaceError) {
        guard setns(fd, CMNL_CLONE_NEWNET) == 0 else {
            throw NamespaceHandle.classify(Errno(rawValue: errno), call: "setns", path: label, label: label)
        }
    }

    static func threadNamespaceDescriptor() throws(NamespaceError) -> Int32 {
        let fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw NamespaceHandle.classify(Errno(rawValue: errno), call: "open", path: "/proc/thread-self/ns/net",
                                           label: "current thread")
        }
        return fd
    }
}
