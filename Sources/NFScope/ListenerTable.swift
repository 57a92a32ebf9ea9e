import NetCore
import NetNS
import Netlink
import Simulator
import SockDiag

/// Listening sockets of a namespace, read over `NETLINK_SOCK_DIAG` from a socket opened inside it (what
/// `ss -ltu` shows): TCP sockets in LISTEN and UDP sockets bound with no peer, with their bound device and
/// `IPV6_V6ONLY`.
///
/// There is no /proc fallback: /proc/net/tcp6 cannot show `IPV6_V6ONLY` or a bound device, so it would
/// answer `ok` for traffic the kernel refuses. When sock_diag cannot be read (a kernel without
/// `inet_diag`), the model has no listeners and the reader records a blind spot instead.
enum ListenerTable {
    static func read(in namespace: borrowing NamespaceHandle) throws -> [Listener] {
        let reader = SocketDiagReader(connection: try namespace.connection(.sockDiag))
        return listeners(from: try reader.listeningSockets())
    }

    /// One listener per distinct (protocol, address, port, device, v6only): `SO_REUSEPORT` groups list
    /// the same socket address several times.
    static func listeners(from sockets: [(InetDiagTransport, InetDiagSocket)]) -> [Listener] {
        var seen: Set<Listener> = []
        var result: [Listener] = []
        for (transport, socket) in sockets {
            let listener = Listener(proto: transport == .tcp ? .tcp : .udp, address: socket.localAddress,
                                    port: socket.localPort, boundInterface: socket.boundInterface,
                                    v6Only: socket.family == .ipv6 && socket.v6Only)
            if seen.insert(listener).inserted { result.append(listener) }
        }
        return result
    }
}
