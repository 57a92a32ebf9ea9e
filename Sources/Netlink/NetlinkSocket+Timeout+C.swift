internal import CMNL
import NetCore
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

extension NetlinkSocket {
    /// Makes a receive that waits longer than `milliseconds` fail with `EAGAIN` (`SO_RCVTIMEO`), so an
    /// event loop can wake up to check for a stop request; 0 waits forever.
    public func setReceiveTimeout(milliseconds: Int) throws(NetlinkError) {
        var value = timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
        let fd = handle.descriptor
        guard setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size)) == 0 else {
            throw NetlinkError(operation: .setsockopt("SO_RCVTIMEO"), errno: Errno(rawValue: Glibc.errno),
                               namespace: namespace)
        }
    }

    /// Sets the kernel receive buffer (`SO_RCVBUFFORCE`, else `SO_RCVBUF` capped by `rmem_max`); event
    /// subscriptions on busy tables want a large one, tests of overruns a tiny one.
    public func setReceiveBufferSize(_ bytes: Int) throws(NetlinkError) {
        do {
            try handle.setReceiveBuffer(bytes, force: true)
        } catch {
            do { try handle.setReceiveBuffer(bytes, force: false) } catch {
                throw NetlinkError(operation: .setsockopt("SO_RCVBUF"), errno: error, namespace: namespace)
            }
        }
    }
}

extension MnlHandle {
    /// The socket's file descriptor.
    var descriptor: Int32 { mnl_socket_get_fd(socket) }
}
