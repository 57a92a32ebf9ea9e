import NetCore
import Netlink

extension ConntrackReader {
    /// Creates an entry, as `conntrack -I` does (`IPCTNL_MSG_CT_NEW` with `NLM_F_CREATE | NLM_F_EXCL`).
    ///
    /// Sends both tuples, the settable status bits (`SEEN_REPLY`, `ASSURED`, …; the kernel refuses to
    /// take NAT bits this way), timeout (required by the kernel; 3600 s when the flow has none), mark,
    /// a zone for both directions, and the TCP/SCTP/DCCP state. `destinationNAT` asks the kernel to set up
    /// DNAT to that endpoint (`CTA_NAT_DST`), which sets `IPS_DST_NAT` and rewrites the reply tuple.
    public func insert(_ flow: Flow, destinationNAT: Endpoint? = nil) throws {
        typealias A = CTNetlink.Attribute
        var request = NetlinkRequest(type: CTNetlink.messageType(CTNetlink.Message.new), flags: [.create, .exclusive],
                                     familyHeader: CTNetlink.familyHeader(family: flow.family.addressFamily))
        flow.original.encode(into: &request, as: A.tupleOriginal)
        flow.reply.encode(into: &request, as: A.tupleReply)
        // ctnetlink_create_conntrack sets IPS_CONFIRMED (and NAT set-up its _DONE bits) before it applies
        // CTA_STATUS, and ctnetlink_change_status answers EBUSY to a status that would clear them.
        var status = flow.status.subtracting([.sourceNAT, .destinationNAT, .sourceNATDone, .destinationNATDone,
                                              .dying, .template, .untracked, .offload, .hardwareOffload])
        status.insert(.confirmed)
        if destinationNAT != nil { status.formUnion([.destinationNAT, .destinationNATDone]) }
        request.append(A.status, bytes: bigEndian(status.rawValue))
        request.append(A.timeout, bytes: bigEndian(flow.timeout ?? 3600))
        if let mark = flow.mark { request.append(A.mark, bytes: bigEndian(mark)) }
        if let zone = flow.zone, zone.direction == .both { request.append(A.zone, bytes: bigEndian(zone.id)) }
        if let state = flow.protocolState { Self.appendProtocolState(state, to: &request) }
        if let destinationNAT { Self.appendNAT(destinationNAT, to: &request) }
        _ = try connection.request(request, operation: .init(verb: "create", object: "conntrack entry \(flow.original.summary)"))
    }

    private static func appendProtocolState(_ state: ProtocolState, to request: inout NetlinkRequest) {
        typealias P = CTNetlink.ProtoInfoAttribute
        request.beginNest(CTNetlink.Attribute.protoInfo)
        switch state {
        case .tcp(let value):
            request.beginNest(P.tcp)
            request.append(P.state, bytes: [value.rawValue])
        case .sctp(let value):
            request.beginNest(P.sctp)
            request.append(P.state, bytes: [value.rawValue])
        case .dccp(let value):
            request.beginNest(P.dccp)
            request.append(P.state, bytes: [value.rawValue])
        }
        request.endNest()
        request.endNest()
    }

    /// `CTA_NAT_DST` { `CTA_NAT_V4_MINIP`/`MAXIP` or `CTA_NAT_V6_*`, `CTA_NAT_PROTO` { `CTA_PROTONAT_PORT_MIN`/`MAX` } }.
    private static func appendNAT(_ endpoint: Endpoint, to request: inout NetlinkRequest) {
        let v6 = endpoint.address.family == .ipv6
        request.beginNest(13)   // CTA_NAT_DST
        request.append(v6 ? 4 : 1, bytes: endpoint.address.networkBytes)   // CTA_NAT_V6_MINIP / CTA_NAT_V4_MINIP
        request.append(v6 ? 5 : 2, bytes: endpoint.address.networkBytes)   // ..._MAXIP
        if let port = endpoint.port {
            request.beginNest(3)   // CTA_NAT_PROTO
            request.append(1, bytes: bigEndian(port))   // CTA_PROTONAT_PORT_MIN
            request.append(2, bytes: bigEndian(port))   // CTA_PROTONAT_PORT_MAX
            request.endNest()
        }
        request.endNest()
    }
}
