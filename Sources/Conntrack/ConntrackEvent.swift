import NetCore
import Netlink

/// The kinds of conntrack events, as the kernel's multicast groups split them.
public struct ConntrackEventTypes: OptionSet, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// A new entry (`NFNLGRP_CONNTRACK_NEW`).
    public static let new = ConntrackEventTypes(rawValue: 1)
    /// A changed entry: state, status, mark, … (`NFNLGRP_CONNTRACK_UPDATE`).
    public static let update = ConntrackEventTypes(rawValue: 2)
    /// A removed entry (`NFNLGRP_CONNTRACK_DESTROY`).
    public static let destroy = ConntrackEventTypes(rawValue: 4)
    public static let all: ConntrackEventTypes = [.new, .update, .destroy]

    var groups: [UInt32] {
        var result: [UInt32] = []
        if contains(.new) { result.append(CTNetlink.Group.new) }
        if contains(.update) { result.append(CTNetlink.Group.update) }
        if contains(.destroy) { result.append(CTNetlink.Group.destroy) }
        return result
    }
}

/// One thing a watch reports.
public enum ConntrackEvent: Hashable, Sendable {
    /// A new entry (`IPCTNL_MSG_CT_NEW` with `NLM_F_CREATE`).
    case new(Flow)
    /// A changed entry (`IPCTNL_MSG_CT_NEW` without `NLM_F_CREATE`).
    case update(Flow)
    /// A removed entry (`IPCTNL_MSG_CT_DELETE`).
    case destroy(Flow)
    /// The kernel dropped events because the socket buffer overflowed (`ENOBUFS`).
    case lost

    /// `new`, `update`, `destroy` or `lost`.
    public var name: String {
        switch self {
        case .new: return "new"
        case .update: return "update"
        case .destroy: return "destroy"
        case .lost: return "lost"
        }
    }

    /// The flow, for all but `.lost`.
    public var flow: Flow? {
        switch self {
        case .new(let flow), .update(let flow), .destroy(let flow): return flow
        case .lost: return nil
        }
    }

    /// The event as one JSON line with `schema_version` and `event`.
    public var jsonLine: String {
        if let flow { return flow.jsonLine(event: name) }
        return "{\"schema_version\":\(conntrackSchemaVersion),\"event\":\"lost\",\"message\":\"the kernel dropped events: the socket buffer overflowed (ENOBUFS)\"}"
    }

    /// Decodes an event message; `nil` for messages that are not conntrack events.
    public init?(message: NetlinkMessage) throws(DecodeError) {
        switch message.header.type {
        case CTNetlink.messageType(CTNetlink.Message.new):
            let flow = try Flow(message: message)
            self = message.header.flags.contains(.create) ? .new(flow) : .update(flow)
        case CTNetlink.messageType(CTNetlink.Message.delete):
            self = .destroy(try Flow(message: message))
        default:
            return nil
        }
    }
}
