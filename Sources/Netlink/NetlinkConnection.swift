import NetCore
import SystemPackage

/// Request/acknowledge and dump conversations over one transport, with sequence and port-id checks.
///
/// Replies whose sequence number is not the current request's are stale (left over from an earlier,
/// abandoned conversation) and are skipped; replies addressed to another port are ignored.
public final class NetlinkConnection {
    public let transport: NetlinkTransport
    public let namespace: NamespaceID?
    private var nextSequence: UInt32
    private var buffer: [UInt8]

    /// The receive buffer size: the kernel sends dump batches of up to 32 KiB, so 64 KiB never truncates one.
    public static let receiveBufferBytes = 64 << 10

    public init(transport: NetlinkTransport, namespace: NamespaceID? = nil, firstSequence: UInt32 = 1) {
        self.transport = transport
        self.namespace = namespace
        self.nextSequence = firstSequence
        self.buffer = [UInt8](repeating: 0, count: NetlinkConnection.receiveBufferBytes)
    }

    /// Opens a socket of the given protocol in the calling thread's namespace.
    public convenience init(protocol proto: NetlinkProtocol, namespace: NamespaceID? = nil) throws(NetlinkError) {
        self.init(transport: try NetlinkSocket(protocol: proto, namespace: namespace), namespace: namespace)
    }

    /// Sends a dump request and hands every reply message to `body` as it arrives, without collecting them.
    ///
    /// Returns `nil` when the dump is a consistent whole, or why it is not (`NLM_F_DUMP_INTR` seen, or
    /// messages lost to `ENOBUFS`): the caller then replays its whole snapshot. After an overrun the rest
    /// of the dump is still drained, so the socket is clean for the replay.
    ///
    /// When `body` throws, the rest of the dump is read (and not delivered) before its error is rethrown:
    /// the kernel keeps a started dump running until its DONE is read, and answers any other dump request
    /// on the socket with `EBUSY` meanwhile (`netlink_dump_start`).
    @discardableResult
    public func dump(_ request: NetlinkRequest, operation: NetlinkOperation,
                     _ body: (NetlinkMessage) throws -> Void) throws -> DumpInconsistency? {
        var request = request
        request.flags.formUnion([.request, .dump])
        var state = DumpState(sequence: try send(request, operation: operation))
        while true {
            let datagram: ArraySlice<UInt8>?
            do {
                datagram = try receiveDatagram(operation: operation, toleratingOverrun: true)
            } catch {
                throw state.bodyError ?? error
            }
            guard let datagram else {
                state.inconsistency = .messagesLost
                _ = transport.growReceiveBuffer()
                continue
            }
            var iterator = NetlinkMessageSequence(datagram).makeIterator()
            while let message = iterator.next() {
                guard isReply(message, to: state.sequence) else { continue }
                if try handle(message, in: &state, operation: operation, body) { return state.inconsistency }
            }
            if let error = iterator.error { throw state.bodyError ?? error }
        }
    }

    /// What a dump has seen so far.
    private struct DumpState {
        let sequence: UInt32
        var inconsistency: DumpInconsistency?
        /// The body's error, rethrown once the dump has been drained.
        var bodyError: (any Error)?
    }

    /// Handles one reply of a dump; returns true at its end (DONE).
    private func handle(_ message: NetlinkMessage, in state: inout DumpState, operation: NetlinkOperation,
                        _ body: (NetlinkMessage) throws -> Void) throws -> Bool {
        if message.header.flags.contains(.dumpInterrupted), state.inconsistency == nil {
            state.inconsistency = .interrupted
        }
        switch message.header.type {
        case NetlinkControlType.done:
            if let bodyError = state.bodyError { throw bodyError }
            try checkDoneStatus(message, operation: operation)
            return true
        case NetlinkControlType.error:
            do { try throwIfError(message, operation: operation) } catch { throw state.bodyError ?? error }
        case NetlinkControlType.noop, NetlinkControlType.overrun:
            break
        default:
            guard state.inconsistency != .messagesLost, state.bodyError == nil else { break }
            do { try body(message) } catch { state.bodyError = error }
        }
        return false
    }

    /// Replays a dump until it is consistent, up to `attempts` times; `reset` runs before each attempt so
    /// the caller can drop what a broken attempt delivered. When every attempt was broken it throws
    /// `NetlinkError` with `EAGAIN`, its `inconsistency` saying what broke the last one.
    public func consistentDump(_ request: NetlinkRequest, operation: NetlinkOperation, attempts: Int = 5,
                               reset: () -> Void, _ body: (NetlinkMessage) throws -> Void) throws {
        let attempts = max(1, attempts)
        var last = DumpInconsistency.interrupted
        for _ in 0..<attempts {
            reset()
            guard let inconsistency = try dump(request, operation: operation, body) else { return }
            last = inconsistency
        }
        let reason = last == .interrupted
            ? "the kernel flagged the dump as interrupted by a change (NLM_F_DUMP_INTR)"
            : "the socket overflowed and lost messages (ENOBUFS)"
        throw NetlinkError(operation: operation, errno: .resourceTemporarilyUnavailable, namespace: namespace,
                           detail: "\(reason) in every one of \(attempts) attempts", inconsistency: last)
    }

    /// Sends a request with `NLM_F_ACK` and returns the replies that came before the acknowledgement
    /// (for example the `RTM_NEWNSID` answering `RTM_GETNSID`). A negative acknowledgement throws.
    public func request(_ request: NetlinkRequest, operation: NetlinkOperation) throws -> [NetlinkMessage] {
        var request = request
        request.flags.formUnion([.request, .ack])
        let sequence = try send(request, operation: operation)
        var replies: [NetlinkMessage] = []
        while true {
            guard let datagram = try receiveDatagram(operation: operation, toleratingOverrun: false) else { continue }
            let messages = try NetlinkMessageSequence(datagram).validated()
            for message in messages where isReply(message, to: sequence) {
                if message.header.type == NetlinkControlType.error {
                    try throwIfError(message, operation: operation)
                    return replies
                }
                replies.append(message)
            }
        }
    }

    /// One datagram, as a slice of the receive buffer; `nil` after an overrun (`ENOBUFS`) when the caller
    /// can recover from one (a dump drains and reports it), otherwise the overrun is a `NetlinkError`.
    private func receiveDatagram(operation: NetlinkOperation, toleratingOverrun: Bool) throws -> ArraySlice<UInt8>? {
        let received: Int
        do {
            received = try transport.receive(into: &buffer)
        } catch .noBufferSpace where toleratingOverrun {
            return nil
        } catch {
            throw NetlinkError(operation: operation, errno: error, namespace: namespace)
        }
        // A transport is outside code: a count it cannot have written must not become an out-of-range slice.
        guard received >= 0, received <= buffer.count else {
            throw DecodeError(path: "datagram", offset: 0,
                              reason: "transport reported \(received) bytes received into a \(buffer.count)-byte buffer")
        }
        return buffer[0..<received]
    }

    private func send(_ request: NetlinkRequest, operation: NetlinkOperation) throws -> UInt32 {
        let sequence = nextSequence
        nextSequence &+= 1
        do {
            try transport.send(request.encoded(sequence: sequence))
        } catch {
            throw NetlinkError(operation: operation, errno: error, namespace: namespace)
        }
        return sequence
    }

    private func isReply(_ message: NetlinkMessage, to sequence: UInt32) -> Bool {
        message.header.sequence == sequence
            && (message.header.portID == transport.portID || message.header.portID == 0)
    }

    private func throwIfError(_ message: NetlinkMessage, operation: NetlinkOperation) throws {
        let ack = try NetlinkAck(message)
        if ack.errorCode == 0 { return }
        throw NetlinkError(operation: operation, errno: Errno(rawValue: -ack.errorCode),
                           kernelMessage: ack.message, namespace: namespace)
    }

    /// nfnetlink and some rtnetlink dumps end with a DONE that carries an error code instead of an error
    /// message (`netlink_dump_done`).
    private func checkDoneStatus(_ message: NetlinkMessage, operation: NetlinkOperation) throws {
        guard message.payload.count >= 4 else { return }
        let status = try message.payload.hostInteger(Int32.self, path: "done.error")
        guard status < 0 else { return }
        var text: String?
        if message.header.flags.contains(.ackTLVs), message.payload.count > 4 {
            text = try? NetlinkAck.extendedAckMessage(NetlinkAttributes(message.payload.dropFirst(4), path: "done.extack"))
        }
        throw NetlinkError(operation: operation, errno: Errno(rawValue: -status), kernelMessage: text,
                           namespace: namespace)
    }
}
