import NetCore
import Netlink

/// Reads sockets of one network namespace over `NETLINK_SOCK_DIAG` (what `ss` uses), never from /proc text.
///
/// The namespace is the one the connection's socket was opened in: `NamespaceHandle.connection(.sockDiag)`.
/// Not for concurrent use: one conversation at a time on the connection.
public struct SocketDiagReader {
    public let connection: NetlinkConnection

    public init(connection: NetlinkConnection) {
        self.connection = connection
    }

    /// Sockets that take new traffic: TCP in LISTEN and UDP bound but unconnected (`ss -lt` and `ss -lu`),
    /// IPv4 then IPv6, in the kernel's order.
    public func listeningSockets() throws -> [(InetDiagTransport, InetDiagSocket)] {
        var result: [(InetDiagTransport, InetDiagSocket)] = []
        for transport in InetDiagTransport.allCases {
            let state = transport == .tcp ? InetDiagState.listen : InetDiagState.close
            for family in [IPFamily.ipv4, .ipv6] {
                let sockets = try self.sockets(InetDiagRequest(family: family, transport: transport, states: 1 << UInt32(state)))
                // The kernel filters by state already; checking again keeps a misbehaving peer's extra
                // sockets (or an older kernel that ignores the filter) out of the answer.
                result += sockets.filter { $0.state == state }.map { (transport, $0) }
            }
        }
        return result
    }

    /// Every socket one request matches, the dump replayed until consistent.
    public func sockets(_ request: InetDiagRequest) throws -> [InetDiagSocket] {
        var sockets: [InetDiagSocket] = []
        try connection.consistentDump(request.netlinkRequest, operation: request.operation,
                                      reset: { sockets.removeAll(keepingCapacity: true) }) { message in
            guard message.header.type == InetDiagRequest.messageType else { return }
            sockets.append(try InetDiagSocket(decoding: message))
        }
        return sockets
    }
}
