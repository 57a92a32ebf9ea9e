import NetCore
import Netlink

extension Flow {
    /// Decodes a ctnetlink conntrack message (`IPCTNL_MSG_CT_NEW` from a dump, a get or an event, or
    /// `IPCTNL_MSG_CT_DELETE` from a destroy event).
    ///
    /// Every length is checked in Swift; malformed bytes give a `DecodeError`, never a trap.
    public init(message: NetlinkMessage) throws(DecodeError) {
        try self.init(nfnetlinkPayload: message.payload)
    }

    /// Decodes the bytes after the netlink header: `struct nfgenmsg`, then the `CTA_*` attributes.
    public init(nfnetlinkPayload payload: ArraySlice<UInt8>) throws(DecodeError) {
        guard payload.count >= CTNetlink.familyHeaderSize, let first = payload.first else {
            throw DecodeError(path: "ctnetlink.nfgenmsg", offset: 0, reason: "needs 4 bytes, has \(payload.count)")
        }
        guard let family = IPFamily(addressFamily: first) else {
            throw DecodeError(path: "ctnetlink.nfgenmsg.family", offset: 0, reason: "family \(first) is not IPv4 or IPv6")
        }
        let result = payload.dropFirst(CTNetlink.familyHeaderSize).withUnsafeBytes { bytes -> Result<Flow, DecodeError> in
            var builder = FlowBuilder()
            var walker = AttributeWalker(bytes, context: "ctnetlink")
            do throws(DecodeError) {
                while let (type, value) = try walker.next() { try builder.take(type, value) }
                return .success(try builder.flow(family: family))
            } catch {
                return .failure(error)
            }
        }
        self = try result.get()
    }
}

/// Collects the attributes of one conntrack message; the tuples are required, everything else optional.
struct FlowBuilder {
    typealias A = CTNetlink.Attribute
    var original: Tuple?, reply: Tuple?, master: Tuple?
    var status = ConntrackStatus()
    var protocolState: ProtocolState?
    var mark: UInt32?, secmark: UInt32?, timeout: UInt32?, id: UInt32?, use: UInt32?
    var zone: UInt16?
    var labels: [UInt8]?
    var securityContext: String?, helper: String?
    var counters: Counters?
    var timestamps: Timestamps?
    var other: [RawAttribute] = []

    mutating func take(_ type: UInt16, _ value: UnsafeRawBufferPointer) throws(DecodeError) {
        switch type {
        case A.tupleOriginal: original = try Self.tuple(value, "orig")
        case A.tupleReply: reply = try Self.tuple(value, "reply")
        case A.tupleMaster: master = try Self.tuple(value, "master")
        case A.status: status = ConntrackStatus(rawValue: try AttributeValue.be32(value, "ctnetlink.status"))
        case A.protoInfo: protocolState = try Self.protocolState(value)
        case A.help: helper = try Self.firstString(value, context: "ctnetlink.help")
        case A.timeout: timeout = try AttributeValue.be32(value, "ctnetlink.timeout")
        case A.mark: mark = try AttributeValue.be32(value, "ctnetlink.mark")
        case A.countersOriginal, A.countersReply: try takeCounters(value, original: type == A.countersOriginal)
        case A.use: use = try AttributeValue.be32(value, "ctnetlink.use")
        case A.id: id = try AttributeValue.be32(value, "ctnetlink.id")
        case A.secmark: secmark = try AttributeValue.be32(value, "ctnetlink.secmark")
        case A.zone: zone = try AttributeValue.be16(value, "ctnetlink.zone")
        case A.securityContext: securityContext = try Self.firstString(value, context: "ctnetlink.secctx")
        case A.timestamp: timestamps = try Self.timestamps(value)
        case A.labels: labels = Array(value)
        case A.synproxy where Self.isAllZeroNest(value):
            // ctnetlink_dump_info always adds CTA_SYNPROXY when the extension exists; all zero means unused.
            break
        default: other.append(RawAttribute(type: type, bytes: Array(value)))
        }
    }

    func flow(family: IPFamily) throws(DecodeError) -> Flow {
        guard let original, let reply else {
            throw DecodeError(path: "ctnetlink", offset: 0, reason: "conntrack message without both tuples")
        }
        return Flow(family: family, original: original, reply: reply, master: master, status: status,
                    protocolState: protocolState, mark: mark, zone: resolvedZone(original: original, reply: reply),
                    labels: labels, secmark: secmark, securityContext: securityContext, timeout: timeout, id: id,
                    use: use, helper: helper, counters: counters, timestamps: timestamps, otherAttributes: other)
    }

    /// `CTA_ZONE` carries a zone for both directions; a directional zone shows only inside its tuple
    /// (`ctnetlink_dump_zone_id` skips zone 0 and zones of the other direction).
    private func resolvedZone(original: Tuple, reply: Tuple) -> Zone? {
        if let zone { return Zone(id: zone, direction: .both) }
        if let id = original.zone { return Zone(id: id, direction: .original) }
        if let id = reply.zone { return Zone(id: id, direction: .reply) }
        return nil
    }

    private static func tuple(_ value: UnsafeRawBufferPointer, _ which: String) throws(DecodeError) -> Tuple {
        do {
            return try Tuple(decoding: value)
        } catch {
            throw DecodeError(path: "ctnetlink.\(which).\(error.path)", offset: error.offset, reason: error.reason)
        }
    }

    private mutating func takeCounters(_ value: UnsafeRawBufferPointer, original: Bool) throws(DecodeError) {
        var packets: UInt64 = 0, bytes: UInt64 = 0
        var walker = AttributeWalker(value, context: "ctnetlink.counters")
        while let (type, field) = try walker.next() {
            switch type {
            case 1: packets = try AttributeValue.be64(field, "ctnetlink.counters.packets")  // CTA_COUNTERS_PACKETS
            case 2: bytes = try AttributeValue.be64(field, "ctnetlink.counters.bytes")      // CTA_COUNTERS_BYTES
            case 3: packets = UInt64(try AttributeValue.be32(field, "ctnetlink.counters.packets32"))
            case 4: bytes = UInt64(try AttributeValue.be32(field, "ctnetlink.counters.bytes32"))
            default: continue
            }
        }
        var result = counters ?? Counters()
        if original {
            result.originalPackets = packets; result.originalBytes = bytes
        } else {
            result.replyPackets = packets; result.replyBytes = bytes
        }
        counters = result
    }

    private static func protocolState(_ value: UnsafeRawBufferPointer) throws(DecodeError) -> ProtocolState? {
        typealias P = CTNetlink.ProtoInfoAttribute
        var walker = AttributeWalker(value, context: "ctnetlink.protoinfo")
        var state: ProtocolState?
        while let (type, nest) = try walker.next() {
            guard type == P.tcp || type == P.sctp || type == P.dccp else { continue }
            var inner = AttributeWalker(nest, context: "ctnetlink.protoinfo.proto")
            while let (field, bytes) = try inner.next() {
                guard field == P.state else { continue }
                let raw = try AttributeValue.u8(bytes, "ctnetlink.protoinfo.proto.state")
                switch type {
                case P.tcp: state = .tcp(TCPState(rawValue: raw))
                case P.sctp: state = .sctp(SCTPState(rawValue: raw))
                default: state = .dccp(DCCPState(rawValue: raw))
                }
            }
        }
        return state
    }

    private static func timestamps(_ value: UnsafeRawBufferPointer) throws(DecodeError) -> Timestamps {
        var result = Timestamps()
        var walker = AttributeWalker(value, context: "ctnetlink.timestamp")
        while let (type, field) = try walker.next() {
            switch type {
            case 1: result.start = try AttributeValue.be64(field, "ctnetlink.timestamp.start")
            case 2: result.stop = try AttributeValue.be64(field, "ctnetlink.timestamp.stop")
            default: continue
            }
        }
        return result
    }

    private static func isAllZeroNest(_ value: UnsafeRawBufferPointer) -> Bool {
        var walker = AttributeWalker(value, context: "ctnetlink.synproxy")
        do {
            while let (_, field) = try walker.next() {
                if field.contains(where: { $0 != 0 }) { return false }
            }
            return true
        } catch {
            return false
        }
    }

    /// The string in attribute 1 of a nest (`CTA_HELP_NAME`, `CTA_SECCTX_NAME`).
    private static func firstString(_ value: UnsafeRawBufferPointer, context: StaticString) throws(DecodeError) -> String? {
        var walker = AttributeWalker(value, context: context)
        while let (type, field) = try walker.next() {
            if type == 1 { return AttributeValue.string(field) }
        }
        return nil
    }
}
