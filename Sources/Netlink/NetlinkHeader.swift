/// The fixed 16-byte header every netlink message starts with (`struct nlmsghdr`), in host byte order.
public struct NetlinkHeader: Hashable, Sendable {
    /// Total length of the message, header included (`nlmsg_len`).
    public var length: UInt32
    /// Message type: a control type (`NLMSG_DONE`…) or a protocol's own (`RTM_NEWLINK`…) (`nlmsg_type`).
    public var type: UInt16
    /// `NLM_F_*` flags (`nlmsg_flags`).
    public var flags: NetlinkFlags
    /// Sequence number that pairs replies with their request (`nlmsg_seq`).
    public var sequence: UInt32
    /// Port id of the sender; the kernel's replies carry ours (`nlmsg_pid`).
    public var portID: UInt32

    /// The size of `struct nlmsghdr`.
    public static let size = 16

    public init(length: UInt32 = 0, type: UInt16, flags: NetlinkFlags, sequence: UInt32 = 0, portID: UInt32 = 0) {
        self.length = length
        self.type = type
        self.flags = flags
        self.sequence = sequence
        self.portID = portID
    }
}

/// Netlink control message types (`NLMSG_*`).
public enum NetlinkControlType {
    /// Nothing; skip it (`NLMSG_NOOP`).
    public static let noop: UInt16 = 1
    /// An error or an acknowledgement (error 0) (`NLMSG_ERROR`).
    public static let error: UInt16 = 2
    /// The end of a multipart dump (`NLMSG_DONE`).
    public static let done: UInt16 = 3
    /// Data lost (`NLMSG_OVERRUN`), never sent by current kernels.
    public static let overrun: UInt16 = 4
}

/// `NLM_F_*` flags. The meaning of the high byte depends on the message kind (GET, NEW, ERROR), so the
/// same bit has several names, as in `<linux/netlink.h>`.
public struct NetlinkFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let request = NetlinkFlags(rawValue: 0x1)
    public static let multipart = NetlinkFlags(rawValue: 0x2)
    public static let ack = NetlinkFlags(rawValue: 0x4)
    public static let echo = NetlinkFlags(rawValue: 0x8)
    /// The dump was interrupted by a change: what was read may be inconsistent (`NLM_F_DUMP_INTR`).
    public static let dumpInterrupted = NetlinkFlags(rawValue: 0x10)
    /// The kernel applied the dump filter it was given (`NLM_F_DUMP_FILTERED`).
    public static let dumpFiltered = NetlinkFlags(rawValue: 0x20)
    public static let root = NetlinkFlags(rawValue: 0x100)
    public static let match = NetlinkFlags(rawValue: 0x200)
    /// `NLM_F_ROOT | NLM_F_MATCH`.
    public static let dump: NetlinkFlags = [.root, .match]
    public static let replace = NetlinkFlags(rawValue: 0x100)
    public static let exclusive = NetlinkFlags(rawValue: 0x200)
    public static let create = NetlinkFlags(rawValue: 0x400)
    public static let append = NetlinkFlags(rawValue: 0x800)
    /// On an `NLMSG_ERROR`: the original request was cut to its header (`NLM_F_CAPPED`).
    public static let capped = NetlinkFlags(rawValue: 0x100)
    /// On an `NLMSG_ERROR`: extended-ack attributes follow (`NLM_F_ACK_TLVS`).
    public static let ackTLVs = NetlinkFlags(rawValue: 0x200)
}

/// The netlink protocol families nfscope speaks.
public struct NetlinkProtocol: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// rtnetlink: links, addresses, routes, rules, neighbours (`NETLINK_ROUTE`).
    public static let route = NetlinkProtocol(rawValue: 0)
    /// Socket diagnostics (`NETLINK_SOCK_DIAG`).
    public static let sockDiag = NetlinkProtocol(rawValue: 4)
    /// nfnetlink: nf_tables, conntrack (`NETLINK_NETFILTER`).
    public static let netfilter = NetlinkProtocol(rawValue: 12)

    public var description: String {
        switch self {
        case .route: return "route"
        case .sockDiag: return "sock_diag"
        case .netfilter: return "netfilter"
        default: return "netlink protocol \(rawValue)"
        }
    }
}
