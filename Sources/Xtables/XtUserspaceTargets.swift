import NetCore

/// The `LOG` target: `struct xt_log_info { unsigned char level, logflags; char prefix[30]; }`
/// (linux/netfilter/xt_LOG.h), 32 bytes.
public struct XtLog: Hashable, Sendable {
    /// The syslog level (4, warning, is the default and is not printed).
    public var level: UInt8
    /// `XT_LOG_*`: tcp sequence 1, tcp options 2, ip options 4, uid 8, mac decode 0x20.
    public var flags: UInt8
    /// The log prefix, empty for none.
    public var prefix: String

    /// Creates a value from its fields.
    public init(level: UInt8, flags: UInt8, prefix: String) {
        self.level = level
        self.flags = flags
        self.prefix = prefix
    }

    static func decode(_ blob: XtBlob) throws(DecodeError) -> XtLog {
        try blob.require(32, "xt_log_info")
        return XtLog(level: try blob.u8(0), flags: try blob.u8(1), prefix: try blob.string(2, 30))
    }

    /// libxt_LOG `LOG_save`.
    var arguments: [String] {
        var out: [String] = prefix.isEmpty ? [] : ["--log-prefix", XtFormat.quoted(prefix)]
        if level != 4 { out += ["--log-level", String(level)] }
        let names: [(UInt8, String)] = [(0x01, "--log-tcp-sequence"), (0x02, "--log-tcp-options"),
                                        (0x04, "--log-ip-options"), (0x08, "--log-uid"), (0x20, "--log-macdecode")]
        return out + names.filter { flags & $0.0 != 0 }.map(\.1)
    }
}

/// The `NFLOG` target: `struct xt_nflog_info { __u32 len; __u16 group, threshold, flags, pad;
/// char prefix[64]; }` (linux/netfilter/xt_NFLOG.h), 76 bytes.
public struct XtNFLog: Hashable, Sendable {
    /// The copy length in bytes (`--nflog-size`).
    public var length: UInt32
    /// The nfnetlink_log group (`--nflog-group`).
    public var group: UInt16
    /// Packets queued before sending to userspace (`--nflog-threshold`).
    public var threshold: UInt16
    /// `XT_NFLOG_F_COPY_LEN` 1: `length` is a snap length (`--nflog-size`).
    public var flags: UInt16
    /// The log prefix, empty for none.
    public var prefix: String

    static func decode(_ blob: XtBlob) throws(DecodeError) -> XtNFLog {
        try blob.require(76, "xt_nflog_info")
        return XtNFLog(length: try blob.u32(0), group: try blob.u16(4), threshold: try blob.u16(6),
                       flags: try blob.u16(8), prefix: try blob.string(12, 64))
    }

    /// libxt_NFLOG `nflog_print(info, "--")`.
    var arguments: [String] {
        var out: [String] = prefix.isEmpty ? [] : ["--nflog-prefix", XtFormat.quoted(prefix)]
        if group != 0 { out += ["--nflog-group", String(group)] }
        if flags & 1 != 0 {
            out += ["--nflog-size", String(length)]
        } else if length != 0 {
            out += ["--nflog-range", String(length)]
        }
        if threshold != 0 { out += ["--nflog-threshold", String(threshold)] }
        return out
    }
}

/// The `NFQUEUE` target: revision 0 `{ __u16 queuenum; }`, 1 adds `queues_total`, 2 `bypass`, 3 `flags`
/// (`NFQ_FLAG_BYPASS` 1, `NFQ_FLAG_CPU_FANOUT` 2), from linux/netfilter/xt_NFQUEUE.h.
public struct XtNFQueue: Hashable, Sendable {
    /// The structure revision (0 to 3).
    public var revision: UInt8
    /// The first (or only) queue number.
    public var queue: UInt16
    /// Number of queues balanced over (1 for a single queue).
    public var queueCount: UInt16
    /// `NFQ_FLAG_*` (revision 3) or the bypass field (revision 2).
    public var flags: UInt16

    static func decode(_ blob: XtBlob, revision: UInt8) throws(DecodeError) -> XtNFQueue? {
        guard revision <= 3 else { return nil }
        let size = [2, 4, 6, 6][Int(revision)]
        try blob.require(size, revision == 0 ? "xt_NFQ_info" : "xt_NFQ_info_v\(revision)")
        return XtNFQueue(revision: revision, queue: try blob.u16(0),
                         queueCount: revision >= 1 ? try blob.u16(2) : 1,
                         flags: revision >= 2 ? try blob.u16(4) : 0)
    }

    /// libxt_NFQUEUE `NFQUEUE_save` ... `NFQUEUE_save_v3`.
    var arguments: [String] {
        var out: [String]
        if revision >= 1, queueCount > 1 {
            let last = UInt32(queueCount) &+ UInt32(queue) &- 1
            out = ["--queue-balance", "\(queue):\(last)"]
        } else {
            out = ["--queue-num", String(queue)]
        }
        if revision >= 2, flags & 1 != 0 { out.append("--queue-bypass") }
        if revision >= 3, flags & 2 != 0 { out.append("--queue-cpu-fanout") }
        return out
    }
}
