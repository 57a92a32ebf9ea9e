import NetCore
import Netlink

extension ConntrackFilter {
    /// The `IPCTNL_MSG_CT_GET` dump request, carrying the parts of the filter the kernel can evaluate.
    ///
    /// With `kernelFilter` false only the family goes in `nfgenmsg` (understood by every kernel).
    /// Addresses go to the kernel only as exact hosts and ports only as single values with a known
    /// protocol: `CTA_FILTER` compares for equality. The protocol number goes with the original tuple
    /// (and with the reply tuple only when that has conditions of its own).
    public func dumpRequest(kernelFilter: Bool = true) -> NetlinkRequest {
        let family = impliedFamily
        var request = NetlinkRequest(type: CTNetlink.messageType(CTNetlink.Message.get), flags: .dump,
                                     familyHeader: CTNetlink.familyHeader(family: family?.addressFamily ?? 0))
        guard kernelFilter else { return request }
        if let mark {
            request.append(CTNetlink.Attribute.mark, bytes: bigEndian(mark.value))
            request.append(CTNetlink.Attribute.markMask, bytes: bigEndian(mark.mask))
        }
        if !statusSet.isEmpty || !statusClear.isEmpty {
            request.append(CTNetlink.Attribute.status, bytes: bigEndian(statusSet.rawValue))
            request.append(CTNetlink.Attribute.statusMask, bytes: bigEndian(statusSet.union(statusClear).rawValue))
        }
        // ctnetlink_alloc_filter refuses a tuple filter without a family (EOPNOTSUPP).
        guard family != nil else { return request }
        let (originalFields, originalFlags) = kernelTuple(original, zone: zone)
        let (replyFields, replyFlags) = reply.isEmpty ? (TupleFields(), 0) : kernelTuple(reply, zone: nil)
        guard originalFlags != 0 || replyFlags != 0 else { return request }
        if originalFlags != 0 { appendTuple(originalFields, type: CTNetlink.Attribute.tupleOriginal, to: &request) }
        if replyFlags != 0 { appendTuple(replyFields, type: CTNetlink.Attribute.tupleReply, to: &request) }
        request.beginNest(CTNetlink.Attribute.filter)
        request.append(CTNetlink.Filter.originalFlags, u32: originalFlags)
        request.append(CTNetlink.Filter.replyFlags, u32: replyFlags)
        request.endNest()
        return request
    }

    /// Whether part of the filter can go into `CTA_FILTER` (which needs a family).
    var hasKernelTupleConditions: Bool {
        l4Protocol != nil || zone != nil
            || [original.source, original.destination, reply.source, reply.destination].contains { $0 != nil }
    }

    /// The exact fields of one direction and their `CTA_FILTER_F_*` flags.
    private func kernelTuple(_ tuple: TupleFilter, zone: UInt16?) -> (TupleFields, UInt32) {
        typealias F = CTNetlink.Filter
        var fields = TupleFields()
        var flags: UInt32 = 0
        // IPv6 addresses stay in Swift: on Linux 6.18 an exact IPv6 address in CTA_FILTER matched no flow
        // at all (the kernel dropped flows the filter should keep, which Swift cannot undo).
        if let prefix = tuple.source, prefix.address.family == .ipv4, prefix.length == 32 {
            fields.source = prefix.address; flags |= F.ipSource
        }
        if let prefix = tuple.destination, prefix.address.family == .ipv4, prefix.length == 32 {
            fields.destination = prefix.address; flags |= F.ipDestination
        }
        if let l4Protocol {
            fields.protocolOnly = l4Protocol; flags |= F.protoNumber
            if l4Protocol.hasPorts, l4Protocol != .gre {
                let source = tuple.sourcePorts.flatMap { $0.lowerBound == $0.upperBound ? $0.lowerBound : nil }
                let destination = tuple.destinationPorts.flatMap { $0.lowerBound == $0.upperBound ? $0.lowerBound : nil }
                if source != nil || destination != nil {
                    fields.protocolOnly = nil
                    fields.l4 = .ports(l4Protocol, source: source ?? 0, destination: destination ?? 0)
                    if source != nil { flags |= F.sourcePort }
                    if destination != nil { flags |= F.destinationPort }
                }
            }
        }
        // Only the tuple's CTA_TUPLE_ZONE: with a top-level CTA_ZONE as well, ctnetlink_parse_tuple_zone
        // answers EINVAL for any zone but 0. Linux 6.18 accepts it and still sends every zone; the Swift
        // filter does the work there, and a kernel that honours it saves the copies.
        if let zone {
            fields.zone = zone; flags |= F.tupleZone
        }
        return (fields, flags)
    }

    private func appendTuple(_ fields: TupleFields, type: UInt16, to request: inout NetlinkRequest) {
        request.beginNest(type)
        fields.encode(into: &request)
        request.endNest()
    }
}
