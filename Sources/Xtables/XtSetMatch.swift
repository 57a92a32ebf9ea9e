import NetCore

/// The `set` match: membership of the packet's addresses/ports in an ipset (kube-router network policy,
/// Calico, firewalld).
///
/// The blob holds the set's *index*, not its name: iptables-save asks the kernel for the name
/// (`getsockopt(SO_IP_SET, IP_SET_OP_GET_BYINDEX)`). Pass the names to
/// ``XtMatch/iptablesArguments(family:ipsetNames:)``; without one the set renders as `<ipset#INDEX>`.
///
/// Layouts (linux/netfilter/xt_set.h): revision 0 `struct xt_set_info_v0` (`ip_set_id_t index; __u32
/// flags[7]`, 32 bytes); revisions 1 and 2 `struct xt_set_info` (`index; __u8 dim, flags`, 4 bytes);
/// revision 3 `struct xt_set_info_match_v3` and 4 `_v4` (48 bytes: the set, packet and byte counter
/// conditions, and `__u32 flags`; the counter struct puts `op` before the value in 3 and after it in 4).
public struct XtSetMatch: Hashable, Sendable {
    /// One element direction of the set's dimensions.
    public enum Direction: String, Hashable, Sendable {
        /// The packet's source address or port.
        case src
        /// The packet's destination address or port.
        case dst
    }

    /// A counter condition (`--packets-gt 10`), revisions 3 and 4.
    public struct Counter: Hashable, Sendable {
        /// `IPSET_COUNTER_*`: 0 none, 1 eq, 2 ne, 3 lt, 4 gt.
        public var operation: UInt8
        /// The value compared.
        public var value: UInt64
        /// Creates a value from its fields.
        public init(operation: UInt8, value: UInt64) {
            self.operation = operation
            self.value = value
        }
    }

    /// The structure revision (0 to 4).
    public var revision: UInt8
    /// The set index (`ip_set_id_t`).
    public var index: UInt16
    /// One direction per dimension (`src,dst`).
    public var directions: [Direction]
    /// Negated with `!` (`IPSET_INV_MATCH`).
    public var inverted: Bool
    /// `--return-nomatch` (revision 2 keeps it in the set flags, 3 and 4 in `flags`).
    public var returnNoMatch: Bool
    /// `! --update-counters` (`IPSET_FLAG_SKIP_COUNTER_UPDATE`), revisions 3 and 4.
    public var skipCounterUpdate: Bool
    /// `! --update-subcounters` (`IPSET_FLAG_SKIP_SUBCOUNTER_UPDATE`), revisions 3 and 4.
    public var skipSubcounterUpdate: Bool
    /// The packet counter condition (revisions 3 and 4).
    public var packets: Counter?
    /// The byte counter condition (revisions 3 and 4).
    public var bytes: Counter?
}

extension XtSetMatch {
    static func decode(_ blob: XtBlob, revision: UInt8) throws(DecodeError) -> XtSetMatch? {
        switch revision {
        case 0:
            try blob.require(32, "xt_set_info_v0")
            var directions: [Direction] = []
            for slot in 0..<6 {
                let flags = try blob.u32(4 + 4 * slot)
                if flags == 0 { break }
                directions.append(flags & 1 != 0 ? .src : .dst)
            }
            return XtSetMatch(revision: 0, index: try blob.u16(0), directions: directions,
                              inverted: try blob.u32(4) & 4 != 0, returnNoMatch: false, skipCounterUpdate: false,
                              skipSubcounterUpdate: false, packets: nil, bytes: nil)
        case 1, 2, 3, 4:
            try blob.require(revision <= 2 ? 4 : 44, revision <= 2 ? "xt_set_info" : "xt_set_info_match_v\(revision)")
            var info = try decodeSetInfo(blob, at: 0, revision: revision)
            guard revision >= 3 else { return info }
            let flags = try blob.u32(40)
            info.returnNoMatch = flags & (1 << 7) != 0
            info.skipCounterUpdate = flags & (1 << 3) != 0
            info.skipSubcounterUpdate = flags & (1 << 4) != 0
            let opFirst = revision == 3
            info.packets = Counter(operation: try blob.u8(opFirst ? 8 : 16), value: try blob.u64(opFirst ? 16 : 8))
            info.bytes = Counter(operation: try blob.u8(opFirst ? 24 : 32), value: try blob.u64(opFirst ? 32 : 24))
            return info
        default:
            return nil
        }
    }

    /// `struct xt_set_info { ip_set_id_t index; __u8 dim, flags; }`, shared with the SET target.
    static func decodeSetInfo(_ blob: XtBlob, at offset: Int, revision: UInt8) throws(DecodeError) -> XtSetMatch {
        let dimension = Int(try blob.u8(offset + 2)), flags = try blob.u8(offset + 3)
        // The kernel refuses dimensions above IPSET_DIM_MAX when the rule is added.
        guard dimension <= 6 else { throw blob.error(offset + 2, "set dimension \(dimension) exceeds 6") }
        let directions: [Direction] = (0..<dimension).map { flags & (1 << ($0 + 1)) != 0 ? .src : .dst }
        return XtSetMatch(revision: revision, index: try blob.u16(offset), directions: directions,
                          inverted: flags & 1 != 0, returnNoMatch: revision == 2 && flags & 0x80 != 0,
                          skipCounterUpdate: false, skipSubcounterUpdate: false, packets: nil, bytes: nil)
    }

    static func setName(_ index: UInt16, _ names: [UInt16: String]) -> String { names[index] ?? "<ipset#\(index)>" }

    /// libxt_set `set_save_v0` ... `set_save_v4`.
    func arguments(ipsetNames: [UInt16: String]) -> [String] {
        var out = (inverted ? ["!"] : []) + ["--match-set", Self.setName(index, ipsetNames)]
        if !directions.isEmpty { out.append(directions.map(\.rawValue).joined(separator: ",")) }
        if returnNoMatch { out.append("--return-nomatch") }
        if skipCounterUpdate { out += ["!", "--update-counters"] }
        if skipSubcounterUpdate { out += ["!", "--update-subcounters"] }
        for (counter, name) in [(packets, "packets"), (bytes, "bytes")] {
            guard let counter else { continue }
            switch counter.operation {
            case 1: out += ["--\(name)-eq", String(counter.value)]
            case 2: out += ["!", "--\(name)-eq", String(counter.value)]
            case 3: out += ["--\(name)-lt", String(counter.value)]
            case 4: out += ["--\(name)-gt", String(counter.value)]
            default: break
            }
        }
        return out
    }
}
