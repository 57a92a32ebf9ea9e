import NetCore

/// An `NLMSG_ERROR` message: an acknowledgement when `errorCode` is 0, otherwise a negative errno, plus
/// the extended-ack text when the kernel attached one.
public struct NetlinkAck: Sendable {
    /// 0 for success, otherwise a negative errno (`struct nlmsgerr.error`).
    public var errorCode: Int32
    /// The kernel's explanation (`NLMSGERR_ATTR_MSG`), if any.
    public var message: String?

    /// Decodes an `NLMSG_ERROR` message; throws `DecodeError` when it is too short for its error code.
    public init(_ message: NetlinkMessage) throws {
        let payload = message.payload
        errorCode = try payload.hostInteger(Int32.self, path: "nlmsgerr.error")
        // struct nlmsgerr is the error code plus a copy of the request's header; without NLM_F_CAPPED the
        // whole request follows it, and its length is in that copied header.
        var tlvOffset = 4 + NetlinkHeader.size
        if !message.header.flags.contains(.capped), payload.count >= 4 + NetlinkHeader.size {
            let originalLength = Int(try payload.hostInteger(UInt32.self, at: 4, path: "nlmsgerr.msg.len"))
            tlvOffset = 4 + netlinkAligned(max(originalLength, NetlinkHeader.size))
        }
        // The errno is what matters; malformed extended-ack attributes cost only the optional text, so
        // they must not turn a kernel's EPERM into a decoding error.
        if message.header.flags.contains(.ackTLVs), payload.count > tlvOffset {
            let start = payload.startIndex + tlvOffset
            self.message = try? NetlinkAck.extendedAckMessage(NetlinkAttributes(payload[start...], path: "nlmsgerr.tlv"))
        }
    }

    static func extendedAckMessage(_ attributes: NetlinkAttributes) throws -> String? {
        var text: String?
        try attributes.forEach { attribute in
            if attribute.type == 1 /* NLMSGERR_ATTR_MSG */ { text = attribute.string }
        }
        return text
    }
}
