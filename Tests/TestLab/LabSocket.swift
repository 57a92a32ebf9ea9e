import Foundation
import NetNS

/// What a client saw when it tried to reach a service: the kernel's verdict that nfscope's predictions are
/// judged against.
public enum ConnectOutcome: String, Sendable {
    case ok, refused, timeout, unreachable
}

/// A socket that listens inside a lab namespace; closed on `close()` or when released.
public final class LabListener: @unchecked Sendable {
    public let descriptor: Int32
    private var echoThread: Thread?
    private var closed = false

    init(descriptor: Int32) { self.descriptor = descriptor }

    /// Answers every UDP datagram with the same bytes, until closed.
    func startUDPEcho() {
        let fd = descriptor
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 2048)
            var peer = sockaddr_storage()
            while true {
                var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
                let count = withUnsafeMutablePointer(to: &peer) { pointer in
                    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        recvfrom(fd, &buffer, buffer.count, 0, $0, &length)
                    }
                }
                if count < 0 { if errno == EINTR { continue } else { return } }
                _ = withUnsafePointer(to: &peer) { pointer in
                    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(fd, buffer, count, 0, $0, length)
                    }
                }
            }
        }
        echoThread = thread
        thread.start()
    }

    public func close() {
        guard !closed else { return }
        closed = true
        shutdown(descriptor, Int32(SHUT_RDWR))
        Glibc.close(descriptor)
    }

    deinit { close() }
}

extension LabNamespace {
    /// Listens on TCP `port` (all addresses of the family). The kernel completes handshakes into the
    /// backlog without an `accept`, which is all a reachability test needs.
    public func listenTCP(port: UInt16, ipv6: Bool = false) throws -> LabListener {
        LabListener(descriptor: try openBound(type: SOCK_STREAM, port: port, ipv6: ipv6, listen: true))
    }

    /// Listens on UDP `port` and echoes every datagram.
    public func listenUDPEcho(port: UInt16, ipv6: Bool = false) throws -> LabListener {
        let listener = LabListener(descriptor: try openBound(type: SOCK_DGRAM, port: port, ipv6: ipv6, listen: false))
        listener.startUDPEcho()
        return listener
    }

    /// Connects over TCP from inside the namespace and reports what the kernel did.
    public func connectTCP(to address: String, port: UInt16, sourcePort: UInt16? = nil,
                           timeout: Double = 1.5) throws -> ConnectOutcome {
        let handle = try NamespaceHandle(path: path)
        return try NetNS.run(in: handle) {
            try LabSocketCalls.connect(type: SOCK_STREAM, to: address, port: port, sourcePort: sourcePort, timeout: timeout)
        }
    }

    /// Sends one UDP datagram and waits for an echo: ok on an answer, refused on ICMP port unreachable.
    public func exchangeUDP(to address: String, port: UInt16, sourcePort: UInt16? = nil,
                            timeout: Double = 1.5) throws -> ConnectOutcome {
        let handle = try NamespaceHandle(path: path)
        return try NetNS.run(in: handle) {
            try LabSocketCalls.connect(type: SOCK_DGRAM, to: address, port: port, sourcePort: sourcePort, timeout: timeout)
        }
    }

    private func openBound(type: __socket_type, port: UInt16, ipv6: Bool, listen: Bool) throws -> Int32 {
        let handle = try NamespaceHandle(path: path)
        return try NetNS.run(in: handle) {
            try LabSocketCalls.bound(type: type, address: ipv6 ? "::" : "0.0.0.0", port: port, listen: listen)
        }
    }
}

struct LabSocketError: Error, CustomStringConvertible {
    var call: String
    var code: Int32
    var description: String { "\(call): \(String(cString: strerror(code)))" }
}

/// The socket calls behind the lab's listeners and clients; they run on namespace threads.
enum LabSocketCalls {
    static func bound(type: __socket_type, address: String, port: UInt16, listen shouldListen: Bool) throws -> Int32 {
        var storage = try sockaddrFor(address, port: port)
        let fd = socket(Int32(storage.ss_family), Int32(type.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw LabSocketError(call: "socket", code: errno) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let length = socklen(of: storage)
        let result = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard result == 0 else { let code = errno; close(fd); throw LabSocketError(call: "bind", code: code) }
        if shouldListen, listen(fd, 128) != 0 { let code = errno; close(fd); throw LabSocketError(call: "listen", code: code) }
        return fd
    }

    static func connect(type: __socket_type, to address: String, port: UInt16, sourcePort: UInt16?,
                        timeout: Double) throws -> ConnectOutcome {
        var storage = try sockaddrFor(address, port: port)
        let fd = socket(Int32(storage.ss_family), Int32(type.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw LabSocketError(call: "socket", code: errno) }
        defer { close(fd) }
        if let sourcePort {
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            var local = try sockaddrFor(storage.ss_family == sa_family_t(AF_INET6) ? "::" : "0.0.0.0", port: sourcePort)
            let localLength = socklen(of: local)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, localLength) }
            }
            guard bound == 0 else { throw LabSocketError(call: "bind source port", code: errno) }
        }
        let length = socklen(of: storage)
        let started = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, length) }
        }
        if started != 0, errno != EINPROGRESS { return outcome(forErrno: errno) }
        if type == SOCK_DGRAM {
            let probe: [UInt8] = Array("nfscope".utf8)
            if send(fd, probe, probe.count, 0) < 0 { return outcome(forErrno: errno) }
            return waitFor(fd, events: Int16(POLLIN), timeout: timeout) { fd in
                var buffer = [UInt8](repeating: 0, count: 64)
                return recv(fd, &buffer, buffer.count, 0) >= 0 ? 0 : errno
            }
        }
        return waitFor(fd, events: Int16(POLLOUT), timeout: timeout) { fd in
            var code: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length)
            return code
        }
    }

    private static func waitFor(_ fd: Int32, events: Int16, timeout: Double, result: (Int32) -> Int32) -> ConnectOutcome {
        var poller = pollfd(fd: fd, events: events, revents: 0)
        let ready = poll(&poller, 1, Int32(timeout * 1000))
        if ready == 0 { return .timeout }
        let code = result(fd)
        return code == 0 ? .ok : outcome(forErrno: code)
    }

    static func outcome(forErrno code: Int32) -> ConnectOutcome {
        switch code {
        case ECONNREFUSED: return .refused
        case EHOSTUNREACH, ENETUNREACH, EACCES, EPERM, EADDRNOTAVAIL: return .unreachable
        case ETIMEDOUT: return .timeout
        default: return .unreachable
        }
    }

    static func sockaddrFor(_ address: String, port: UInt16) throws -> sockaddr_storage {
        var storage = sockaddr_storage()
        if address.contains(":") {
            try withUnsafeMutablePointer(to: &storage) { pointer in
                try pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                    v6.pointee.sin6_family = sa_family_t(AF_INET6)
                    v6.pointee.sin6_port = port.bigEndian
                    guard inet_pton(AF_INET6, address, &v6.pointee.sin6_addr) == 1 else {
                        throw LabSocketError(call: "inet_pton \(address)", code: EINVAL)
                    }
                }
            }
        } else {
            try withUnsafeMutablePointer(to: &storage) { pointer in
                try pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                    v4.pointee.sin_family = sa_family_t(AF_INET)
                    v4.pointee.sin_port = port.bigEndian
                    guard inet_pton(AF_INET, address, &v4.pointee.sin_addr) == 1 else {
                        throw LabSocketError(call: "inet_pton \(address)", code: EINVAL)
                    }
                }
            }
        }
        return storage
    }

    static func socklen(of storage: sockaddr_storage) -> socklen_t {
        socklen_t(storage.ss_family == sa_family_t(AF_INET6) ? MemoryLayout<sockaddr_in6>.size : MemoryLayout<sockaddr_in>.size)
    }
}
