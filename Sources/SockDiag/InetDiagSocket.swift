import NetCore
import Netlink

/// One socket of a sock_diag inet dump: `struct inet_diag_msg` and the attributes nfscope uses.
public struct InetDiagSocket: Sendable, Hashable {
    public var family: IPFamily
    /// `idiag_state`, a TCP state number (``InetDiagState``).
    public var state: UInt8
    public var localAddress: IPAddress
    public var localPort: UInt16
    public var remoteAddress: IPAddress
    public var remotePort: UInt16
    /// `SO_BINDTODEVICE`: the interface index the socket is bound to, nil when it takes any interface.
    public var boundInterface: Int32?
    /// `INET_DIAG_SKV6ONLY` for IPv6 sockets: true when an IPv6 wildcard socket refuses IPv4 (`IPV6_V6ONLY`).
    public var v6Only: Bool
    public var inode: UInt32

    /// `sizeof(struct inet_diag_msg)`: family, state, timer, retrans, the 48-byte id, then expires, rqueue,
    /// wqueue, uid and inode (4 bytes each).
    public static let headerSize = 72
    /// `INET_DIAG_SKV6ONLY`, a u8 attribute present on every AF_INET6 socket.
    static let v6OnlyAttribute: UInt16 = 11

    public init(family: IPFamily, state: UInt8, localAddress: IPAddress, localPort: UInt16,
                remoteAddress: IPAddress, remotePort: UInt16, boundInterface: Int32?, v6Only: Bool, inode: UInt32) {
        self.family = family
        self.state = state
        self.localAddress = localAddress
        self.localPort = localPort
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
        self.boundInterface = boundInterface
        self.v6Only = v6Only
        self.inode = inode
    }

    /// Decodes a `SOCK_DIAG_BY_FAMILY` reply. Every length is checked; malformed bytes throw `DecodeError`.
    public init(decoding message: NetlinkMessage) throws {
        let payload = message.payload
        let path = "inet_diag_msg"
        guard payload.count >= InetDiagSocket.headerSize else {
            throw DecodeError(path: path, offset: NetlinkHeader.size,
                              reason: "needs \(InetDiagSocket.headerSize) bytes, has \(payload.count)")
        }
        let familyValue = try payload.hostInteger(UInt8.self, at: 0, path: "\(path).idiag_family")
        guard let family = IPFamily(addressFamily: familyValue) else {
            throw DecodeError(path: "\(path).idiag_family", offset: NetlinkHeader.size,
                              reason: "address family \(familyValue) is neither AF_INET nor AF_INET6")
        }
        self.family = family
        state = try payload.hostInteger(UInt8.self, at: 1, path: "\(path).idiag_state")
        // struct inet_diag_sockid at offset 4: sport, dport (big-endian), src[4], dst[4], if, cookie[2].
        localPort = try payload.bigEndianInteger(UInt16.self, at: 4, path: "\(path).id.idiag_sport")
        remotePort = try payload.bigEndianInteger(UInt16.self, at: 6, path: "\(path).id.idiag_dport")
        localAddress = try InetDiagSocket.address(payload, at: 8, family: family, path: "\(path).id.idiag_src")
        remoteAddress = try InetDiagSocket.address(payload, at: 24, family: family, path: "\(path).id.idiag_dst")
        let interface = try payload.hostInteger(UInt32.self, at: 40, path: "\(path).id.idiag_if")
        boundInterface = interface == 0 ? nil : Int32(bitPattern: interface)
        inode = try payload.hostInteger(UInt32.self, at: 68, path: "\(path).idiag_inode")
        var v6Only = false
        try message.attributes(afterFamilyHeader: InetDiagSocket.headerSize, path: path).forEach { attribute in
            if attribute.type == InetDiagSocket.v6OnlyAttribute { v6Only = try attribute.u8() != 0 }
        }
        self.v6Only = v6Only
    }

    /// An address field of 16 bytes of which IPv4 uses the first 4 (network order either way).
    private static func address(_ payload: ArraySlice<UInt8>, at offset: Int, family: IPFamily, path: String) throws -> IPAddress {
        let width = family == .ipv4 ? 4 : 16
        let start = payload.startIndex + offset
        guard payload.count >= offset + 16, let address = IPAddress(networkBytes: payload[start..<(start + width)]) else {
            throw DecodeError(path: path, offset: NetlinkHeader.size + offset, reason: "truncated \(family) address")
        }
        return address
    }
}
