import NetCore
import Netlink
import NetNS

/// The conntrack counters of a namespace: how many entries, the table limit, and the per-CPU event
/// counters (`IPCTNL_MSG_CT_GET_STATS`, `IPCTNL_MSG_CT_GET_STATS_CPU`).
public struct ConntrackStatistics: Hashable, Sendable {
    /// Entries in this namespace's table (`CTA_STATS_GLOBAL_ENTRIES`).
    public var entries: UInt32?
    /// The table limit `nf_conntrack_max` (`CTA_STATS_GLOBAL_MAX_ENTRIES`, or `/proc/sys` inside the namespace).
    /// It is global on current kernels: every namespace shares it.
    public var maximum: UInt32?
    /// One record per possible CPU.
    public var perCPU: [CPUStatistics]

    public init(entries: UInt32? = nil, maximum: UInt32? = nil, perCPU: [CPUStatistics] = []) {
        self.entries = entries
        self.maximum = maximum
        self.perCPU = perCPU
    }

    /// The per-CPU counters summed.
    public var total: CPUStatistics {
        var sum = CPUStatistics(cpu: nil)
        for cpu in perCPU {
            for (name, value) in cpu.counters { sum.counters[name, default: 0] += value }
        }
        return sum
    }
}

/// One CPU's conntrack counters, by the kernel's names (`found`, `invalid`, `insert`, `insert_failed`,
/// `drop`, `early_drop`, `error`, `search_restart`, `clash_resolve`, `chain_toolong`).
public struct CPUStatistics: Hashable, Sendable {
    /// The CPU number (`nfgenmsg.res_id`); `nil` for a sum.
    public var cpu: UInt16?
    /// Counter name to value; only counters the kernel sent are present.
    public var counters: [String: UInt64]

    public init(cpu: UInt16?, counters: [String: UInt64] = [:]) {
        self.cpu = cpu
        self.counters = counters
    }

    /// The counter names in `enum ctattr_stats_cpu` order (index = attribute type); empty names are
    /// attributes the kernel no longer fills.
    public static let names = ["", "searched", "found", "new", "invalid", "ignore", "delete", "delete_list",
                               "insert", "insert_failed", "drop", "early_drop", "error", "search_restart",
                               "clash_resolve", "chain_toolong"]
}

extension ConntrackReader {
    /// Reads the entry count, the limit and the per-CPU counters over netlink.
    public func statistics() throws -> ConntrackStatistics {
        var result = ConntrackStatistics()
        let global = NetlinkRequest(type: CTNetlink.messageType(CTNetlink.Message.getStats), flags: [],
                                    familyHeader: CTNetlink.familyHeader(family: 0))
        for message in try connection.request(global, operation: .get("conntrack statistics")) {
            try message.payload.dropFirst(CTNetlink.familyHeaderSize).withUnsafeBytes { bytes in
                var walker = AttributeWalker(bytes, context: "ctnetlink.stats")
                while let (type, value) = try walker.next() {
                    if type == 1 { result.entries = try AttributeValue.be32(value, "ctnetlink.stats.entries") }
                    if type == 2 { result.maximum = try AttributeValue.be32(value, "ctnetlink.stats.max_entries") }
                }
            }
        }
        let perCPU = NetlinkRequest(type: CTNetlink.messageType(CTNetlink.Message.getStatsCPU), flags: .dump,
                                    familyHeader: CTNetlink.familyHeader(family: 0))
        try connection.dump(perCPU, operation: .dump("conntrack per-CPU statistics")) { message in
            result.perCPU.append(try CPUStatistics(decoding: message.payload))
        }
        return result
    }

    /// `nf_conntrack_max` as `/proc/sys/net/netfilter/nf_conntrack_max` shows it inside `namespace`, for
    /// kernels whose statistics message lacks the limit.
    public static func maximumFromProc(in namespace: borrowing NamespaceHandle) -> UInt32? {
        guard let bytes = try? namespace.readFile("/proc/sys/net/netfilter/nf_conntrack_max", maxBytes: 64) else { return nil }
        return UInt32(String(decoding: bytes, as: UTF8.self).filter(\.isNumber))
    }
}

extension CPUStatistics {
    init(decoding payload: ArraySlice<UInt8>) throws {
        guard payload.count >= CTNetlink.familyHeaderSize else {
            throw DecodeError(path: "ctnetlink.stats_cpu.nfgenmsg", offset: 0, reason: "needs 4 bytes, has \(payload.count)")
        }
        let start = payload.startIndex
        self.init(cpu: UInt16(payload[start + 2]) << 8 | UInt16(payload[start + 3]))
        var counters: [String: UInt64] = [:]
        try payload.dropFirst(CTNetlink.familyHeaderSize).withUnsafeBytes { bytes in
            var walker = AttributeWalker(bytes, context: "ctnetlink.stats_cpu")
            while let (type, value) = try walker.next() {
                let name = Int(type) < Self.names.count ? Self.names[Int(type)] : "attr_\(type)"
                guard !name.isEmpty else { continue }
                counters[name] = UInt64(try AttributeValue.be32(value, "ctnetlink.stats_cpu.counter"))
            }
        }
        self.counters = counters
    }
}
