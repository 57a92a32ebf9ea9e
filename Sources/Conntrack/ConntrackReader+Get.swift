import NetCore
import Netlink
import SystemPackage

/// Which tuple of a flow a lookup names.
public enum TupleDirection: String, Hashable, Sendable {
    case original
    case reply
}

extension ConntrackReader {
    /// Looks one flow up by a tuple of either direction (`IPCTNL_MSG_CT_GET` without `NLM_F_DUMP`);
    /// `nil` when there is none (`ENOENT`).
    public func flow(tuple: Tuple, direction: TupleDirection = .original, zone: UInt16? = nil) throws -> Flow? {
        var request = NetlinkRequest(type: CTNetlink.messageType(CTNetlink.Message.get), flags: [],
                                     familyHeader: CTNetlink.familyHeader(family: tuple.source.family.addressFamily))
        tuple.encode(into: &request, as: direction == .original ? CTNetlink.Attribute.tupleOriginal
                                                                  : CTNetlink.Attribute.tupleReply)
        if let zone { request.append(CTNetlink.Attribute.zone, bytes: bigEndian(zone)) }
        let replies: [NetlinkMessage]
        do {
            replies = try connection.request(request, operation: .get("conntrack entry \(tuple.summary)"))
        } catch let error as NetlinkError where error.errno == .noSuchFileOrDirectory {
            return nil
        }
        for message in replies where message.header.type == CTNetlink.messageType(CTNetlink.Message.new) {
            return try Flow(message: message)
        }
        return nil
    }

    /// Deletes one flow, named by its original tuple, zone and id (`IPCTNL_MSG_CT_DELETE`). Returns `false`
    /// when it was already gone (`ENOENT`: expired, or replaced by a new entry with another id).
    @discardableResult
    public func delete(_ flow: Flow) throws -> Bool {
        var request = NetlinkRequest(type: CTNetlink.messageType(CTNetlink.Message.delete), flags: [],
                                     familyHeader: CTNetlink.familyHeader(family: flow.family.addressFamily))
        flow.original.encode(into: &request, as: CTNetlink.Attribute.tupleOriginal)
        if let zone = flow.zone, zone.direction == .both {
            request.append(CTNetlink.Attribute.zone, bytes: bigEndian(zone.id))
        }
        if let id = flow.id { request.append(CTNetlink.Attribute.id, bytes: bigEndian(id)) }
        do {
            _ = try connection.request(request, operation: .init(verb: "delete", object: "conntrack entry \(flow.original.summary)"))
            return true
        } catch let error as NetlinkError where error.errno == .noSuchFileOrDirectory {
            return false
        }
    }

    /// Streams the flows passing `filter` and deletes each through `deleter`, a second reader on the same
    /// namespace (a socket in the middle of a dump cannot take requests), the way `conntrack -D` does.
    /// `report` hears about each flow and whether it was deleted (`false`: it was already gone).
    @discardableResult
    public func deleteFlows(matching filter: ConntrackFilter, through deleter: ConntrackReader,
                            _ report: (Flow, Bool) throws -> Void) throws -> DumpSummary {
        try flows(matching: filter) { flow in
            try report(flow, try deleter.delete(flow))
        }
    }
}

extension Tuple {
    /// `tcp 10.0.0.1:1234 → 10.0.0.2:80`, for messages.
    public var summary: String {
        "\(l4.protocolNumber.name) \(Endpoint(address: source, port: sourcePort)) → "
            + "\(Endpoint(address: destination, port: destinationPort))"
    }
}
