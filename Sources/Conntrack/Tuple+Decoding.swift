import NetCore

extension Tuple {
    /// Decodes a `CTA_TUPLE_ORIG`/`CTA_TUPLE_REPLY`/`CTA_TUPLE_MASTER` nest; error paths start at `tuple`
    /// and the flow decoder prefixes which tuple it was.
    init(decoding payload: UnsafeRawBufferPointer) throws(DecodeError) {
        var source: IPAddress?, destination: IPAddress?, l4: L4?, zone: UInt16?
        var walker = AttributeWalker(payload, context: "tuple")
        while let (type, value) = try walker.next() {
            switch type {
            case CTNetlink.TupleAttribute.ip:
                (source, destination) = try Tuple.decodeAddresses(value)
            case CTNetlink.TupleAttribute.proto:
                l4 = try L4(decoding: value)
            case CTNetlink.TupleAttribute.zone:
                zone = try AttributeValue.be16(value, "tuple.zone")
            default:
                continue
            }
        }
        guard let source, let destination, let l4 else {
            throw DecodeError(path: "tuple", offset: 0, reason: "tuple without addresses or protocol")
        }
        self.init(source: source, destination: destination, l4: l4, zone: zone)
    }

    private static func decodeAddresses(_ payload: UnsafeRawBufferPointer) throws(DecodeError) -> (IPAddress?, IPAddress?) {
        var source: IPAddress?, destination: IPAddress?
        var walker = AttributeWalker(payload, context: "tuple.ip")
        while let (type, value) = try walker.next() {
            switch type {
            case CTNetlink.IPAttribute.v4Source: source = try AttributeValue.address(value, size: 4, "tuple.ip.v4_src")
            case CTNetlink.IPAttribute.v4Destination: destination = try AttributeValue.address(value, size: 4, "tuple.ip.v4_dst")
            case CTNetlink.IPAttribute.v6Source: source = try AttributeValue.address(value, size: 16, "tuple.ip.v6_src")
            case CTNetlink.IPAttribute.v6Destination: destination = try AttributeValue.address(value, size: 16, "tuple.ip.v6_dst")
            default: continue
            }
        }
        return (source, destination)
    }
}

extension L4 {
    /// Decodes a `CTA_TUPLE_PROTO` nest.
    init(decoding payload: UnsafeRawBufferPointer) throws(DecodeError) {
        typealias P = CTNetlink.ProtoAttribute
        var number: UInt8?, sourcePort: UInt16?, destinationPort: UInt16?
        var icmpType: UInt8?, icmpCode: UInt8?, icmpID: UInt16?
        var walker = AttributeWalker(payload, context: "tuple.proto")
        while let (type, value) = try walker.next() {
            switch type {
            case P.number: number = try AttributeValue.u8(value, "tuple.proto.num")
            case P.sourcePort: sourcePort = try AttributeValue.be16(value, "tuple.proto.src_port")
            case P.destinationPort: destinationPort = try AttributeValue.be16(value, "tuple.proto.dst_port")
            case P.icmpID, P.icmpv6ID: icmpID = try AttributeValue.be16(value, "tuple.proto.icmp_id")
            case P.icmpType, P.icmpv6Type: icmpType = try AttributeValue.u8(value, "tuple.proto.icmp_type")
            case P.icmpCode, P.icmpv6Code: icmpCode = try AttributeValue.u8(value, "tuple.proto.icmp_code")
            default: continue
            }
        }
        guard let number else { throw DecodeError(path: "tuple.proto", offset: 0, reason: "no CTA_PROTO_NUM") }
        let proto = L4Protocol(rawValue: number)
        if let sourcePort, let destinationPort {
            self = .ports(proto, source: sourcePort, destination: destinationPort)
        } else if let icmpType, let icmpCode, let icmpID {
            self = .icmp(proto, type: icmpType, code: icmpCode, id: icmpID)
        } else {
            self = .other(proto)
        }
    }
}
