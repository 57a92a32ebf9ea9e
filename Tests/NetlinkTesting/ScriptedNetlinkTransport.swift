import NetCore
import Netlink
import SystemPackage

/// What the scripted socket hands back on one `receive`: a datagram, or an errno such as `ENOBUFS`.
public enum ScriptedReply: Sendable, Equatable {
    /// One datagram, exactly as a `recvfrom` would return it.
    case datagram([UInt8])
    /// The receive fails with this errno (`ENOBUFS` after an overrun, for example).
    case failure(Errno)

    /// The receive fails with `ENOBUFS`: the socket's buffer overflowed and messages were dropped.
    public static let overrun = ScriptedReply.failure(.noBufferSpace)

    /// Several encoded messages packed into one datagram, as the kernel batches a dump.
    public static func messages(_ messages: [[UInt8]]) -> ScriptedReply {
        .datagram(NetlinkReplyBuilder.pack(messages))
    }
}

/// A request the code under test sent: the raw datagram and its first message decoded.
public struct ScriptedRequest: Sendable {
    /// The datagram as sent.
    public let datagram: [UInt8]
    /// Its first netlink message (a request is always one message).
    public let message: NetlinkMessage
    /// How many requests were sent before this one on the transport (0 for the first).
    public let index: Int
    /// The transport's port id, which replies address.
    public let portID: UInt32

    /// A builder for replies that pair with this request (its sequence number, the transport's port id).
    public var replies: NetlinkReplyBuilder {
        NetlinkReplyBuilder(sequence: message.header.sequence, portID: portID)
    }
}

/// A `NetlinkTransport` without a kernel: request datagrams in, reply datagrams out.
///
/// Every sent datagram is recorded. Replies come from a script closure, called once per request with the
/// decoded request (so it can answer with the right sequence number), or from a queue filled up front.
/// A receive with nothing left to hand back fails with `EAGAIN`, as a non-blocking socket would, so a
/// conversation that reads past its end fails instead of hanging. The seam is deliberately at the datagram
/// level: real buffer behaviour is the integration tests' job (mdlayher/netlink's `nltest` does the same).
public final class ScriptedNetlinkTransport: NetlinkTransport, @unchecked Sendable {
    public let portID: UInt32
    /// Every datagram sent, in order.
    public private(set) var sentDatagrams: [[UInt8]] = []
    /// Replies not yet received.
    public private(set) var pendingReplies: [ScriptedReply] = []
    /// How many times the code under test asked for a larger receive buffer.
    public private(set) var receiveBufferGrowths = 0
    /// How many receives were attempted (including failed ones).
    public private(set) var receiveCount = 0
    private let script: ((ScriptedRequest) throws -> [ScriptedReply])?

    /// The default port id, chosen to look nothing like a pid.
    public static let defaultPortID: UInt32 = 0x4e46_5343

    /// A transport that answers each request by calling `script`; its replies are queued behind any still
    /// pending. A throwing script makes `send` fail with `EINVAL`.
    public init(portID: UInt32 = ScriptedNetlinkTransport.defaultPortID,
                script: @escaping (ScriptedRequest) throws -> [ScriptedReply]) {
        self.portID = portID
        self.script = script
    }

    /// A transport that hands out `replies` in order, whatever is sent.
    public init(portID: UInt32 = ScriptedNetlinkTransport.defaultPortID, queue replies: [ScriptedReply]) {
        self.portID = portID
        self.script = nil
        self.pendingReplies = replies
    }

    /// Queues more replies behind the pending ones.
    public func enqueue(_ replies: [ScriptedReply]) {
        pendingReplies.append(contentsOf: replies)
    }

    /// The sent requests, decoded (only the first message of each datagram).
    public var sentRequests: [NetlinkMessage] {
        sentDatagrams.compactMap { try? NetlinkMessageSequence($0[...]).validated().first }
    }

    public func send(_ datagram: [UInt8]) throws(Errno) {
        let index = sentDatagrams.count
        sentDatagrams.append(datagram)
        guard let script else { return }
        guard let message = try? NetlinkMessageSequence(datagram[...]).validated().first else {
            throw .invalidArgument
        }
        do {
            pendingReplies.append(contentsOf: try script(
                ScriptedRequest(datagram: datagram, message: message, index: index, portID: portID)))
        } catch {
            throw .invalidArgument
        }
    }

    public func receive(into buffer: inout [UInt8]) throws(Errno) -> Int {
        receiveCount += 1
        guard !pendingReplies.isEmpty else { throw .resourceTemporarilyUnavailable }
        switch pendingReplies.removeFirst() {
        case .failure(let errno):
            throw errno
        case .datagram(let bytes):
            // libmnl reports a datagram larger than the buffer (MSG_TRUNC) as ENOSPC.
            guard bytes.count <= buffer.count else { throw .noSpace }
            buffer.replaceSubrange(0..<bytes.count, with: bytes)
            return bytes.count
        }
    }

    public func growReceiveBuffer() -> Bool {
        receiveBufferGrowths += 1
        return true
    }
}
