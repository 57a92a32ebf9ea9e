import NetCore
import Netlink

/// A `SOCK_DIAG_BY_FAMILY` dump request for inet sockets: `struct inet_diag_req_v2` (linux/inet_diag.h).
///
/// The kernel filters by family, protocol and a bit set of TCP states (`1 << TCP_LISTEN` and so on; UDP
/// sockets report TCP-style states too: `TCP_CLOSE` for a bound, unconnected socket).
public struct InetDiagRequest: Sendable, Equatable {
    public var family: IPFamily
    public var transport: InetDiagTransport
    /// `idiag_states`: bit `1 << state` for each wanted state.
    public var states: UInt32

    /// `SOCK_DIAG_BY_FAMILY` (linux/sock_diag.h).
    public static let messageType: UInt16 = 20
    /// `sizeof(struct inet_diag_req_v2)`: family, protocol, ext, pad, states, then the 48-byte socket id.
    public static let size = 56

    public init(family: IPFamily, transport: InetDiagTransport, states: UInt32) {
        self.family = family
        self.transport = transport
        self.states = states
    }

    /// The netlink request; the dump flag is added by `NetlinkConnection.dump`.
    public var netlinkRequest: NetlinkRequest {
        var header: [UInt8] = [family.addressFamily, transport.rawValue, 0 /* idiag_ext */, 0 /* pad */]
        header.appendHost(states)
        // struct inet_diag_sockid, all zero: no port, address, interface or cookie filter.
        header += [UInt8](repeating: 0, count: InetDiagRequest.size - header.count)
        return NetlinkRequest(type: InetDiagRequest.messageType, flags: [.request, .dump], familyHeader: header)
    }

    /// What the dump is called in errors: `dump tcp IPv6 sockets`.
    public var operation: NetlinkOperation { .dump("\(transport) \(family == .ipv4 ? "IPv4" : "IPv6") sockets") }
}

/// The IP protocol a sock_diag inet dump is for (`sdiag_protocol`).
public enum InetDiagTransport: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case tcp = 6
    case udp = 17

    public var description: String { self == .tcp ? "tcp" : "udp" }
}

/// TCP states as sock_diag reports them (include/net/tcp_states.h), for `idiag_states` and `idiag_state`.
public enum InetDiagState {
    public static let established: UInt8 = 1
    /// A UDP socket that is bound but not connected reports this state.
    public static let close: UInt8 = 7
    public static let listen: UInt8 = 10
}
