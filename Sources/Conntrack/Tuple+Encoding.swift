import NetCore
import Netlink

extension Tuple {
    /// Appends the tuple as a `CTA_TUPLE_*` nest of type `type`, as `ctnetlink_parse_tuple` reads it.
    func encode(into request: inout NetlinkRequest, as type: UInt16) {
        request.beginNest(type)
        TupleFields(source: source, destination: destination, l4: l4, zone: zone).encode(into: &request)
        request.endNest()
    }
}

/// The parts of a tuple a request carries; a dump filter carries only some of them.
struct TupleFields {
    var source: IPAddress?
    var destination: IPAddress?
    var l4: L4?
    var protocolOnly: L4Protocol?
    var zone: UInt16?

    func encode(into request: inout NetlinkRequest) {
        typealias IP = CTNetlink.IPAttribute
        if source != nil || destination != nil {
            request.beginNest(CTNetlink.TupleAttribute.ip)
            let v6 = (source ?? destination)?.family == .ipv6
            if let source { request.append(v6 ? IP.v6Source : IP.v4Source, bytes: source.networkBytes) }
            if let destination { request.append(v6 ? IP.v6Destination : IP.v4Destination, bytes: destination.networkBytes) }
            request.endNest()
        }
        if let l4 {
            encodeProto(l4, into: &request)
        } else if let protocolOnly {
            request.beginNest(CTNetlink.TupleAttribute.proto)
            request.append(CTNetlink.ProtoAttribute.number, bytes: [protocolOnly.rawValue])
            request.endNest()
        }
        if let zone { request.append(CTNetlink.TupleAttribute.zone, bytes: bigEndian(zone)) }
    }

    private func encodeProto(_ l4: L4, into request: inout NetlinkRequest) {
        typealias P = CTNetlink.ProtoAttribute
        request.beginNest(CTNetlink.TupleAttribute.proto)
        request.append(P.number, bytes: [l4.protocolNumber.rawValue])
        switch l4 {
        case .ports(_, let sourcePort, let destinationPort):
            request.append(P.sourcePort, bytes: bigEndian(sourcePort))
            request.append(P.destinationPort, bytes: bigEndian(destinationPort))
        case .icmp(let proto, let type, let code, let id):
            let v6 = proto == .icmpv6
            request.append(v6 ? P.icmpv6ID : P.icmpID, bytes: bigEndian(id))
            request.append(v6 ? P.icmpv6Type : P.icmpType, bytes: [type])
            request.append(v6 ? P.icmpv6Code : P.icmpCode, bytes: [code])
        case .other:
            break
        }
        request.endNest()
    }
}

func bigEndian(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xff)] }
func bigEndian(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)]
}
