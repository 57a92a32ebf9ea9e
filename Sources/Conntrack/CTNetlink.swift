/// ctnetlink message types and attribute numbers (`<linux/netfilter/nfnetlink_conntrack.h>`).
///
/// Kept as Swift constants rather than imported from C so that the decoder needs no C module.
enum CTNetlink {
    /// `NFNL_SUBSYS_CTNETLINK`: the high byte of every conntrack message type.
    static let subsystem: UInt16 = 1

    /// `nlmsg_type` of a conntrack message: subsystem in the high byte, message in the low byte.
    static func messageType(_ message: UInt8) -> UInt16 { subsystem << 8 | UInt16(message) }

    enum Message {
        static let new: UInt8 = 0              // IPCTNL_MSG_CT_NEW
        static let get: UInt8 = 1              // IPCTNL_MSG_CT_GET
        static let delete: UInt8 = 2           // IPCTNL_MSG_CT_DELETE
        static let getStatsCPU: UInt8 = 4      // IPCTNL_MSG_CT_GET_STATS_CPU
        static let getStats: UInt8 = 5         // IPCTNL_MSG_CT_GET_STATS
    }

    /// `enum ctattr_type`.
    enum Attribute {
        static let tupleOriginal: UInt16 = 1   // CTA_TUPLE_ORIG
        static let tupleReply: UInt16 = 2      // CTA_TUPLE_REPLY
        static let status: UInt16 = 3          // CTA_STATUS
        static let protoInfo: UInt16 = 4       // CTA_PROTOINFO
        static let help: UInt16 = 5            // CTA_HELP
        static let natSource: UInt16 = 6       // CTA_NAT_SRC (only in requests)
        static let timeout: UInt16 = 7         // CTA_TIMEOUT
        static let mark: UInt16 = 8            // CTA_MARK
        static let countersOriginal: UInt16 = 9 // CTA_COUNTERS_ORIG
        static let countersReply: UInt16 = 10  // CTA_COUNTERS_REPLY
        static let use: UInt16 = 11            // CTA_USE
        static let id: UInt16 = 12             // CTA_ID
        static let tupleMaster: UInt16 = 14    // CTA_TUPLE_MASTER
        static let secmark: UInt16 = 17        // CTA_SECMARK
        static let zone: UInt16 = 18           // CTA_ZONE
        static let securityContext: UInt16 = 19 // CTA_SECCTX
        static let timestamp: UInt16 = 20      // CTA_TIMESTAMP
        static let markMask: UInt16 = 21       // CTA_MARK_MASK
        static let labels: UInt16 = 22         // CTA_LABELS
        static let synproxy: UInt16 = 24       // CTA_SYNPROXY
        static let filter: UInt16 = 25         // CTA_FILTER (kernel >= 5.8)
        static let statusMask: UInt16 = 26     // CTA_STATUS_MASK (kernel >= 5.19)
    }

    /// `enum ctattr_tuple`.
    enum TupleAttribute {
        static let ip: UInt16 = 1              // CTA_TUPLE_IP
        static let proto: UInt16 = 2           // CTA_TUPLE_PROTO
        static let zone: UInt16 = 3            // CTA_TUPLE_ZONE
    }

    /// `enum ctattr_ip`.
    enum IPAttribute {
        static let v4Source: UInt16 = 1
        static let v4Destination: UInt16 = 2
        static let v6Source: UInt16 = 3
        static let v6Destination: UInt16 = 4
    }

    /// `enum ctattr_l4proto`.
    enum ProtoAttribute {
        static let number: UInt16 = 1
        static let sourcePort: UInt16 = 2
        static let destinationPort: UInt16 = 3
        static let icmpID: UInt16 = 4
        static let icmpType: UInt16 = 5
        static let icmpCode: UInt16 = 6
        static let icmpv6ID: UInt16 = 7
        static let icmpv6Type: UInt16 = 8
        static let icmpv6Code: UInt16 = 9
    }

    /// `enum ctattr_protoinfo` and the per-protocol state attributes (all number 1).
    enum ProtoInfoAttribute {
        static let tcp: UInt16 = 1
        static let dccp: UInt16 = 2
        static let sctp: UInt16 = 3
        static let state: UInt16 = 1           // CTA_PROTOINFO_{TCP,DCCP,SCTP}_STATE
    }

    /// `enum ctattr_filter` and the kernel's `CTA_FILTER_F_*` flags (net/netfilter/nf_conntrack_netlink.c).
    enum Filter {
        static let originalFlags: UInt16 = 1   // CTA_FILTER_ORIG_FLAGS
        static let replyFlags: UInt16 = 2      // CTA_FILTER_REPLY_FLAGS
        static let ipSource: UInt32 = 1 << 0
        static let ipDestination: UInt32 = 1 << 1
        static let tupleZone: UInt32 = 1 << 2
        static let protoNumber: UInt32 = 1 << 3
        static let sourcePort: UInt32 = 1 << 4
        static let destinationPort: UInt32 = 1 << 5
    }

    /// The nfnetlink multicast groups of conntrack events (`NFNLGRP_CONNTRACK_*`).
    enum Group {
        static let new: UInt32 = 1
        static let update: UInt32 = 2
        static let destroy: UInt32 = 3
    }

    /// `struct nfgenmsg`: family, version 0 (`NFNETLINK_V0`), resource id in network order.
    static func familyHeader(family: UInt8, resourceID: UInt16 = 0) -> [UInt8] {
        [family, 0, UInt8(resourceID >> 8), UInt8(resourceID & 0xff)]
    }

    /// The size of `struct nfgenmsg`.
    static let familyHeaderSize = 4
}
