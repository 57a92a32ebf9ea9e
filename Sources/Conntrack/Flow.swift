import NetCore

/// One connection-tracking entry, as ctnetlink reports it (`struct nf_conn`).
///
/// Every field the kernel may leave out is optional: counters need `nf_conntrack_acct`, timestamps
/// `nf_conntrack_timestamp`, labels a ruleset that sets them. Attributes nfscope does not model are kept in
/// ``otherAttributes`` rather than dropped.
public struct Flow: Hashable, Sendable {
    /// The layer-3 family (`nfgenmsg.nfgen_family`).
    public var family: IPFamily
    /// The tuple of the first packet, as it arrived (`CTA_TUPLE_ORIG`).
    public var original: Tuple
    /// The tuple an answer must have (`CTA_TUPLE_REPLY`); NAT shows as a difference from `original`.
    public var reply: Tuple
    /// The connection this one is expected from (FTP data, SIP media) (`CTA_TUPLE_MASTER`).
    public var master: Tuple?
    /// Status bits (`CTA_STATUS`).
    public var status: ConntrackStatus
    /// Protocol state: TCP, SCTP or DCCP (`CTA_PROTOINFO`).
    public var protocolState: ProtocolState?
    /// Connection mark (`CTA_MARK`), when the kernel has `CONFIG_NF_CONNTRACK_MARK`.
    public var mark: UInt32?
    /// The zone of the entry and the directions it applies to (`CTA_ZONE`, `CTA_TUPLE_ZONE`).
    public var zone: Zone?
    /// Connection labels, a bitmap of up to 128 bits (`CTA_LABELS`).
    public var labels: [UInt8]?
    /// The security mark (`CTA_SECMARK`).
    public var secmark: UInt32?
    /// The security context name (`CTA_SECCTX`/`CTA_SECCTX_NAME`).
    public var securityContext: String?
    /// Seconds until the entry expires (`CTA_TIMEOUT`).
    public var timeout: UInt32?
    /// The entry's id, stable for its lifetime (`CTA_ID`).
    public var id: UInt32?
    /// The reference count (`CTA_USE`).
    public var use: UInt32?
    /// The name of the attached helper, such as `ftp` (`CTA_HELP`/`CTA_HELP_NAME`).
    public var helper: String?
    /// Packet and byte counters per direction (`CTA_COUNTERS_ORIG`, `CTA_COUNTERS_REPLY`).
    public var counters: Counters?
    /// Start and stop times in nanoseconds since the epoch (`CTA_TIMESTAMP`).
    public var timestamps: Timestamps?
    /// Top-level attributes nfscope does not model (sequence adjustments, synproxy, …), type and bytes.
    public var otherAttributes: [RawAttribute]

    public init(family: IPFamily, original: Tuple, reply: Tuple, master: Tuple? = nil,
                status: ConntrackStatus = [], protocolState: ProtocolState? = nil, mark: UInt32? = nil,
                zone: Zone? = nil, labels: [UInt8]? = nil, secmark: UInt32? = nil, securityContext: String? = nil,
                timeout: UInt32? = nil, id: UInt32? = nil, use: UInt32? = nil, helper: String? = nil,
                counters: Counters? = nil, timestamps: Timestamps? = nil, otherAttributes: [RawAttribute] = []) {
        self.family = family
        self.original = original
        self.reply = reply
        self.master = master
        self.status = status
        self.protocolState = protocolState
        self.mark = mark
        self.zone = zone
        self.labels = labels
        self.secmark = secmark
        self.securityContext = securityContext
        self.timeout = timeout
        self.id = id
        self.use = use
        self.helper = helper
        self.counters = counters
        self.timestamps = timestamps
        self.otherAttributes = otherAttributes
    }

    /// The layer-4 protocol of the original direction.
    public var l4Protocol: L4Protocol { original.l4.protocolNumber }

    /// Whether a packet was ever seen in the reply direction (`IPS_SEEN_REPLY`); `conntrack -L` prints
    /// `[UNREPLIED]` when it was not.
    public var sawReply: Bool { status.contains(.seenReply) }

    /// The TCP state, when this is a TCP flow whose state the kernel reported.
    public var tcpState: TCPState? {
        if case .tcp(let state)? = protocolState { return state }
        return nil
    }
}

/// A conntrack zone: its id and the directions it applies to (`struct nf_conntrack_zone`).
public struct Zone: Hashable, Sendable {
    /// The zone id; 0 is the default zone.
    public var id: UInt16
    /// Which directions the zone applies to.
    public var direction: ZoneDirection

    public init(id: UInt16, direction: ZoneDirection = .both) {
        self.id = id
        self.direction = direction
    }
}

/// The directions a zone applies to (`NF_CT_ZONE_DIR_ORIG`, `NF_CT_ZONE_DIR_REPL`, or both).
public enum ZoneDirection: String, Hashable, Sendable {
    case original
    case reply
    case both
}

/// Packets and bytes per direction (`CTA_COUNTERS_PACKETS`, `CTA_COUNTERS_BYTES`).
public struct Counters: Hashable, Sendable {
    public var originalPackets: UInt64
    public var originalBytes: UInt64
    public var replyPackets: UInt64
    public var replyBytes: UInt64

    public init(originalPackets: UInt64 = 0, originalBytes: UInt64 = 0, replyPackets: UInt64 = 0, replyBytes: UInt64 = 0) {
        self.originalPackets = originalPackets
        self.originalBytes = originalBytes
        self.replyPackets = replyPackets
        self.replyBytes = replyBytes
    }
}

/// When the entry started and, for a destroyed one, stopped, in nanoseconds since the epoch
/// (`CTA_TIMESTAMP_START`, `CTA_TIMESTAMP_STOP`).
public struct Timestamps: Hashable, Sendable {
    public var start: UInt64?
    public var stop: UInt64?

    public init(start: UInt64? = nil, stop: UInt64? = nil) {
        self.start = start
        self.stop = stop
    }
}

/// An attribute kept as its type and bytes because nfscope does not model it.
public struct RawAttribute: Hashable, Sendable {
    public var type: UInt16
    public var bytes: [UInt8]

    public init(type: UInt16, bytes: [UInt8]) {
        self.type = type
        self.bytes = bytes
    }
}
