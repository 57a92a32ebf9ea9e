import SystemPackage

/// The seam under every netlink conversation: datagrams out, datagrams in.
///
/// `NetlinkSocket` is the real one; tests use a scripted one that answers requests with prepared replies
/// (multipart, DONE, errors with extended acks, DUMP_INTR, ENOBUFS), so every branch of the dump loop can be
/// exercised without a kernel.
public protocol NetlinkTransport: AnyObject {
    /// The port id the kernel addresses replies to (`nl_pid` after bind).
    var portID: UInt32 { get }
    /// Sends one datagram.
    func send(_ datagram: [UInt8]) throws(Errno)
    /// Receives one datagram into `buffer`, returning its length. Throws `Errno` (`ENOBUFS` when the
    /// socket dropped messages). `EINTR` is retried by the implementation.
    func receive(into buffer: inout [UInt8]) throws(Errno) -> Int
    /// Asks for a larger kernel receive buffer after an overrun; returns whether it grew.
    func growReceiveBuffer() -> Bool
}
