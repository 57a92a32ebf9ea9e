import NetCore
import Netlink
import SystemPackage

/// Builds the reply messages a kernel would send to one request: dump parts, `NLMSG_DONE`, acks and errors
/// with extended-ack attributes, `NLM_F_DUMP_INTR` parts, and stale or misaddressed replies.
///
/// Each builder method returns one encoded message (length filled in, padded to 4 bytes); pack several into
/// a datagram with ``pack(_:)`` or ``ScriptedReply/messages(_:)``.
public struct NetlinkReplyBuilder: Sendable {
    /// The sequence number the replies carry.
    public var sequence: UInt32
    /// The port id the replies are addressed to.
    public var portID: UInt32

    public init(sequence: UInt32, portID: UInt32) {
        self.sequence = sequence
        self.portID = portID
    }

    /// `NLMSGERR_ATTR_MSG`: the extended-ack text.
    public static let extendedAckMessageAttribute: UInt16 = 1
    /// `NLMSGERR_ATTR_OFFS`: offset of the offending attribute in the request.
    public static let extendedAckOffsetAttribute: UInt16 = 2

    /// The same replies, but with a sequence number `offset` away (a stale reply to an earlier request).
    public func stale(by offset: UInt32 = 1) -> NetlinkReplyBuilder {
        NetlinkReplyBuilder(sequence: sequence &- offset, portID: portID)
    }

    /// The same replies, addressed to another socket.
    public func addressed(to otherPortID: UInt32) -> NetlinkReplyBuilder {
        NetlinkReplyBuilder(sequence: sequence, portID: otherPortID)
    }

    /// Any message: header fields from the builder, `nlmsg_len` from the payload.
    public func message(type: UInt16, flags: NetlinkFlags = .multipart, payload: [UInt8]) -> [UInt8] {
        NetlinkReplyBuilder.encode(type: type, flags: flags, sequence: sequence, portID: portID, payload: payload)
    }

    /// One part of a multipart dump; `interrupted` sets `NLM_F_DUMP_INTR` as the kernel does when the
    /// table changed under the dump (`nl_dump_check_consistent`).
    public func part(type: UInt16, payload: [UInt8], interrupted: Bool = false) -> [UInt8] {
        message(type: type, flags: interrupted ? [.multipart, .dumpInterrupted] : .multipart, payload: payload)
    }

    /// A whole dump: `payloads` as parts of `type`, `perDatagram` to a datagram, the DONE in the last one.
    /// `interruptedAt` flags that part (by index) with `NLM_F_DUMP_INTR`.
    public func dump(type: UInt16, payloads: [[UInt8]], perDatagram: Int = 2, interruptedAt: Int? = nil,
                     done: [UInt8]? = nil) -> [ScriptedReply] {
        var messages = payloads.enumerated().map { part(type: type, payload: $1, interrupted: $0 == interruptedAt) }
        messages.append(done ?? self.done())
        let size = max(1, perDatagram)
        return stride(from: 0, to: messages.count, by: size).map {
            .messages(Array(messages[$0..<min($0 + size, messages.count)]))
        }
    }

    /// `NLMSG_DONE`. `status` nil sends no payload (as old kernels did); a negative status is the errno a
    /// failed dump ends with (`netlink_dump_done`), optionally with extended-ack text.
    public func done(status: Int32? = 0, extendedAckMessage: String? = nil, flags: NetlinkFlags = .multipart) -> [UInt8] {
        guard let status else { return message(type: NetlinkControlType.done, flags: flags, payload: []) }
        var payload: [UInt8] = []
        payload.appendHost(status)
        var flags = flags
        if let extendedAckMessage {
            flags.insert(.ackTLVs)
            payload += NetlinkReplyBuilder.attribute(NetlinkReplyBuilder.extendedAckMessageAttribute,
                                                     Array(extendedAckMessage.utf8) + [0])
        }
        return message(type: NetlinkControlType.done, flags: flags, payload: payload)
    }

    /// A positive acknowledgement of `request` (error 0; the kernel always caps those).
    public func ack(for request: [UInt8]) -> [UInt8] {
        error(code: 0, for: request, capped: true)
    }

    /// A negative acknowledgement: `-errno`, the request's header (the whole request unless `capped`), and
    /// extended-ack attributes when `extendedAckMessage` or `offset` are given (`NLM_F_ACK_TLVS`).
    public func error(_ errno: Errno, for request: [UInt8], extendedAckMessage: String? = nil,
                      offset: UInt32? = nil, capped: Bool = true) -> [UInt8] {
        error(code: -errno.rawValue, for: request, extendedAckMessage: extendedAckMessage, offset: offset, capped: capped)
    }

    /// An `NLMSG_ERROR` with a raw error code (0 for an ack).
    public func error(code: Int32, for request: [UInt8], extendedAckMessage: String? = nil,
                      offset: UInt32? = nil, capped: Bool = true) -> [UInt8] {
        var payload: [UInt8] = []
        payload.appendHost(code)
        var original = capped ? Array(request.prefix(NetlinkHeader.size)) : request
        original += [UInt8](repeating: 0, count: max(0, NetlinkHeader.size - original.count))
        payload += original
        payload.padToNetlinkAlignment()
        var flags: NetlinkFlags = capped ? .capped : []
        if let extendedAckMessage {
            payload += NetlinkReplyBuilder.attribute(NetlinkReplyBuilder.extendedAckMessageAttribute,
                                                     Array(extendedAckMessage.utf8) + [0])
        }
        if let offset {
            var bytes: [UInt8] = []
            bytes.appendHost(offset)
            payload += NetlinkReplyBuilder.attribute(NetlinkReplyBuilder.extendedAckOffsetAttribute, bytes)
        }
        if extendedAckMessage != nil || offset != nil { flags.insert(.ackTLVs) }
        return message(type: NetlinkControlType.error, flags: flags, payload: payload)
    }

    /// Encodes one message with `nlmsg_len` = header + payload, padded to the netlink alignment.
    public static func encode(type: UInt16, flags: NetlinkFlags, sequence: UInt32, portID: UInt32,
                              payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.appendHost(UInt32(NetlinkHeader.size + payload.count))
        bytes.appendHost(type)
        bytes.appendHost(flags.rawValue)
        bytes.appendHost(sequence)
        bytes.appendHost(portID)
        bytes += payload
        bytes.padToNetlinkAlignment()
        return bytes
    }

    /// One attribute (`struct nlattr` + payload + padding).
    public static func attribute(_ type: UInt16, _ payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.appendHost(UInt16(4 + payload.count))
        bytes.appendHost(type)
        bytes += payload
        bytes.padToNetlinkAlignment()
        return bytes
    }

    /// Concatenates encoded messages into one datagram, keeping each on a 4-byte boundary.
    public static func pack(_ messages: [[UInt8]]) -> [UInt8] {
        var datagram: [UInt8] = []
        for message in messages {
            datagram += message
            datagram.padToNetlinkAlignment()
        }
        return datagram
    }

    /// A message payload: a fixed family header followed by the attributes `build` appends, encoded by
    /// `NetlinkRequest` (so nests work the same way as in requests).
    public static func payload(familyHeader: [UInt8] = [], _ build: (inout NetlinkRequest) -> Void = { _ in }) -> [UInt8] {
        var request = NetlinkRequest(type: 0, flags: [], familyHeader: familyHeader)
        build(&request)
        return request.body
    }
}
