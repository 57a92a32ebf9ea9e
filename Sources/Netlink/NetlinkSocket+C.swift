internal import CMNL
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// The libmnl socket behind `NetlinkSocket`: the only place its pointer lives.
///
/// The descriptor is opened by us (possibly on a thread inside another namespace) and adopted with
/// `mnl_socket_fdopen`, so libmnl never needs to know about namespaces.
final class MnlHandle {
    let socket: OpaquePointer

    init?(adopting fd: FileDescriptor) {
        guard let socket = mnl_socket_fdopen(fd.rawValue) else { return nil }
        self.socket = socket
    }

    deinit { mnl_socket_close(socket) }

    static func lastErrno() -> Errno { Errno(rawValue: Glibc.errno) }

    static func openSocket(_ proto: Int32) throws(Errno) -> FileDescriptor {
        let fd = Glibc.socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), proto)
        guard fd >= 0 else { throw lastErrno() }
        return FileDescriptor(rawValue: fd)
    }

    func bind() throws(Errno) {
        guard mnl_socket_bind(socket, 0, pid_t(MNL_SOCKET_AUTOPID)) == 0 else { throw MnlHandle.lastErrno() }
    }

    var portID: UInt32 { mnl_socket_get_portid(socket) }

    func setNetlinkOption(_ option: Int32, value: Int32, name: String) throws(Errno) {
        var value = value
        guard mnl_socket_setsockopt(socket, option, &value, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw MnlHandle.lastErrno()
        }
    }

    func setReceiveBuffer(_ bytes: Int, force: Bool) throws(Errno) {
        var value = Int32(clamping: bytes)
        let option = force ? SO_RCVBUFFORCE : SO_RCVBUF
        guard setsockopt(mnl_socket_get_fd(socket), SOL_SOCKET, option, &value,
                         socklen_t(MemoryLayout<Int32>.size)) == 0 else { throw MnlHandle.lastErrno() }
    }

    func send(_ datagram: [UInt8]) throws(Errno) {
        while true {
            let sent = datagram.withUnsafeBytes { mnl_socket_sendto(socket, $0.baseAddress, $0.count) }
            if sent >= 0 { return }
            let error = MnlHandle.lastErrno()
            if error != .interrupted { throw error }
        }
    }

    func receive(into buffer: inout [UInt8]) throws(Errno) -> Int {
        while true {
            let received = buffer.withUnsafeMutableBytes { mnl_socket_recvfrom(socket, $0.baseAddress, $0.count) }
            if received >= 0 { return received }
            let error = MnlHandle.lastErrno()
            if error != .interrupted { throw error }
        }
    }
}
