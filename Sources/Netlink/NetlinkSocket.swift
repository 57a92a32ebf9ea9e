import NetCore
import SystemPackage

/// An owned netlink socket; closing happens when it is released.
///
/// A socket talks to the network namespace that was current on the thread that created it, for its whole
/// life. To read another namespace, create the file descriptor on a thread inside it (`NetNS`) and adopt it
/// here with ``init(adopting:protocol:namespace:)``. Not for concurrent use: one conversation at a time.
public final class NetlinkSocket: NetlinkTransport {
    public let netlinkProtocol: NetlinkProtocol
    public let namespace: NamespaceID?
    public private(set) var portID: UInt32 = 0
    let handle: MnlHandle
    private var receiveBufferBytes: Int

    /// The receive buffer nfscope asks for: large enough for 32 KiB dump batches with room for bursts.
    public static let defaultReceiveBufferBytes = 4 << 20

    /// Opens a socket in the calling thread's namespace.
    public convenience init(protocol proto: NetlinkProtocol, namespace: NamespaceID? = nil) throws(NetlinkError) {
        let fd: FileDescriptor
        do {
            fd = try NetlinkSocket.openDescriptor(proto)
        } catch {
            throw NetlinkError(operation: .open(proto), errno: error, namespace: namespace)
        }
        try self.init(adopting: fd, protocol: proto, namespace: namespace)
    }

    /// Takes ownership of a netlink socket descriptor (opened, perhaps, inside another namespace), binds it
    /// and sets the options every conversation relies on.
    public init(adopting fd: FileDescriptor, protocol proto: NetlinkProtocol, namespace: NamespaceID? = nil) throws(NetlinkError) {
        self.netlinkProtocol = proto
        self.namespace = namespace
        self.receiveBufferBytes = NetlinkSocket.defaultReceiveBufferBytes
        guard let handle = MnlHandle(adopting: fd) else {
            try? fd.close()
            throw NetlinkError(operation: .init(verb: "adopt", object: "\(proto) netlink socket"),
                               errno: MnlHandle.lastErrno(), namespace: namespace)
        }
        self.handle = handle
        try configure()
    }

    /// Opens a raw netlink socket descriptor in the calling thread's namespace.
    public static func openDescriptor(_ proto: NetlinkProtocol) throws(Errno) -> FileDescriptor {
        try MnlHandle.openSocket(proto.rawValue)
    }

    private func configure() throws(NetlinkError) {
        do { try handle.bind() } catch {
            throw NetlinkError(operation: .init(verb: "bind", object: "\(netlinkProtocol) netlink socket"),
                               errno: error, namespace: namespace)
        }
        portID = handle.portID
        // Extended acks carry the kernel's reason text; capped acks keep error replies small; strict
        // checking makes rtnetlink honour dump filters instead of ignoring them (kernel >= 4.20).
        for (option, name) in [(11, "NETLINK_EXT_ACK"), (10, "NETLINK_CAP_ACK"), (12, "NETLINK_GET_STRICT_CHK")] {
            _ = try? handle.setNetlinkOption(Int32(option), value: 1, name: name)
        }
        // SO_RCVBUFFORCE needs CAP_NET_ADMIN; without it SO_RCVBUF is capped by rmem_max, which is fine.
        if (try? handle.setReceiveBuffer(receiveBufferBytes, force: true)) == nil {
            _ = try? handle.setReceiveBuffer(receiveBufferBytes, force: false)
        }
    }

    public func send(_ datagram: [UInt8]) throws(Errno) {
        try handle.send(datagram)
    }

    public func receive(into buffer: inout [UInt8]) throws(Errno) -> Int {
        try handle.receive(into: &buffer)
    }

    public func growReceiveBuffer() -> Bool {
        guard receiveBufferBytes < 256 << 20 else { return false }
        receiveBufferBytes *= 4
        return (try? handle.setReceiveBuffer(receiveBufferBytes, force: true)) != nil
            || (try? handle.setReceiveBuffer(receiveBufferBytes, force: false)) != nil
    }

    /// Joins a multicast group (event subscriptions such as conntrack NEW/DESTROY).
    public func join(group: UInt32) throws(NetlinkError) {
        do { try handle.setNetlinkOption(1 /* NETLINK_ADD_MEMBERSHIP */, value: Int32(bitPattern: group),
                                         name: "NETLINK_ADD_MEMBERSHIP") } catch {
            throw NetlinkError(operation: .setsockopt("NETLINK_ADD_MEMBERSHIP \(group)"), errno: error, namespace: namespace)
        }
    }
}
