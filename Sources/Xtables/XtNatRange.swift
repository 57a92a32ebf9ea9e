import NetCore

/// A NAT range, the payload of `SNAT`, `DNAT`, `MASQUERADE`, `REDIRECT` and `NETMAP` in every revision.
///
/// Decoded from the three kernel layouts (linux/netfilter/nf_nat.h), all read into this one shape as
/// libxt_NAT does before printing:
/// - revision 0 (IPv4): `struct nf_nat_ipv4_multi_range_compat` — `rangesize`, then `flags`, `__be32 min_ip,
///   max_ip`, `__be16 min, max`: 20 bytes, 24 padded. For IPv6, `MASQUERADE`, `REDIRECT` and `NETMAP` (whose
///   only revision is 0) use `struct nf_nat_range` instead.
/// - revision 1: `struct nf_nat_range` — `flags`, `union nf_inet_addr min_addr, max_addr`, `__be16 min_proto,
///   max_proto`: 40 bytes.
/// - revision 2: `struct nf_nat_range2` — revision 1 plus `__be16 base_proto` (shifted port maps): 42 bytes,
///   48 padded.
public struct XtNatRange: Hashable, Sendable {
    /// `NF_NAT_RANGE_*` flags.
    public struct Flags: OptionSet, Hashable, Sendable {
        public var rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// `NF_NAT_RANGE_MAP_IPS`: the addresses are set.
        public static let mapIPs = Flags(rawValue: 1 << 0)
        /// `NF_NAT_RANGE_PROTO_SPECIFIED`: the ports are set.
        public static let protoSpecified = Flags(rawValue: 1 << 1)
        /// `NF_NAT_RANGE_PROTO_RANDOM`: `--random`.
        public static let random = Flags(rawValue: 1 << 2)
        /// `NF_NAT_RANGE_PERSISTENT`: `--persistent`.
        public static let persistent = Flags(rawValue: 1 << 3)
        /// `NF_NAT_RANGE_PROTO_RANDOM_FULLY`: `--random-fully`.
        public static let randomFully = Flags(rawValue: 1 << 4)
        /// `NF_NAT_RANGE_PROTO_OFFSET`: a shifted port map (`/base`).
        public static let protoOffset = Flags(rawValue: 1 << 5)
        /// `NF_NAT_RANGE_NETMAP`: a 1:1 prefix mapping (NETMAP).
        public static let netmap = Flags(rawValue: 1 << 6)
    }

    /// The `NF_NAT_RANGE_*` flags.
    public var flags: Flags
    /// The first address of the range (meaningful with `.mapIPs`); its family is the layout's family.
    public var minAddress: IPAddress
    /// The last address of the range.
    public var maxAddress: IPAddress
    /// Ports in host order (meaningful with `.protoSpecified`).
    public var minPort: UInt16
    /// The last port of the range.
    public var maxPort: UInt16
    /// The base port of a shifted port map (`.protoOffset`, revision 2); 0 otherwise.
    public var basePort: UInt16

    /// Creates a value from its fields.
    public init(flags: Flags, minAddress: IPAddress, maxAddress: IPAddress, minPort: UInt16, maxPort: UInt16,
                basePort: UInt16 = 0) {
        self.flags = flags
        self.minAddress = minAddress
        self.maxAddress = maxAddress
        self.minPort = minPort
        self.maxPort = maxPort
        self.basePort = basePort
    }

    /// Which C layout a name+revision+family uses; nil for a revision the kernel does not define.
    enum Layout { case ipv4Compat, range, range2 }

    static func layout(target: String, revision: UInt8, family: IPFamily) -> Layout? {
        switch (target, revision) {
        case ("SNAT", 0), ("DNAT", 0): return .ipv4Compat
        case ("MASQUERADE", 0), ("REDIRECT", 0), ("NETMAP", 0): return family == .ipv4 ? .ipv4Compat : .range
        case ("SNAT", 1), ("DNAT", 1): return .range
        case ("SNAT", 2), ("DNAT", 2): return .range2
        default: return nil
        }
    }

    static func decode(_ blob: XtBlob, layout: Layout, family: IPFamily) throws(DecodeError) -> XtNatRange {
        switch layout {
        case .ipv4Compat:
            try blob.require(20, "nf_nat_ipv4_multi_range_compat")
            // rangesize at 0 is always 1 in practice; iptables and the kernel only use range[0].
            return XtNatRange(flags: Flags(rawValue: try blob.u32(4)),
                              minAddress: try blob.ipv4(8), maxAddress: try blob.ipv4(12),
                              minPort: try blob.be16(16), maxPort: try blob.be16(18))
        case .range, .range2:
            try blob.require(layout == .range ? 40 : 42, layout == .range ? "nf_nat_range" : "nf_nat_range2")
            return XtNatRange(flags: Flags(rawValue: try blob.u32(0)),
                              minAddress: try blob.inetAddress(4, family: family),
                              maxAddress: try blob.inetAddress(20, family: family),
                              minPort: try blob.be16(36), maxPort: try blob.be16(38),
                              basePort: layout == .range2 ? try blob.be16(40) : 0)
        }
    }

    /// libxt_NAT `sprint_range`: `10.0.0.1-10.0.0.9:80-90/1000`, IPv6 in brackets when ports follow.
    var rangeText: String {
        var text = ""
        let brackets = minAddress.family == .ipv6 && flags.contains(.protoSpecified)
        if flags.contains(.mapIPs) {
            text += brackets ? "[" : ""
            text += XtFormat.address(minAddress)
            if minAddress != maxAddress { text += "-" + XtFormat.address(maxAddress) }
            text += brackets ? "]" : ""
        }
        if flags.contains(.protoSpecified) {
            text += ":\(minPort)"
            if maxPort != minPort { text += "-\(maxPort)" }
            if flags.contains(.protoOffset) { text += "/\(basePort)" }
        }
        return text
    }

    /// libipt_NETMAP / libip6t_NETMAP `NETMAP_save`: `--to` the first address and the prefix length of
    /// `~(min ^ max)`, or that mask in address form when it has holes.
    var netmapArguments: [String] {
        let mask: IPAddress
        switch (minAddress, maxAddress) {
        case (.v4(let low), .v4(let high)): mask = .v4(~(low ^ high))
        case (.v6(let lowHigh, let lowLow), .v6(let highHigh, let highLow)):
            mask = .v6(high: ~(lowHigh ^ highHigh), low: ~(lowLow ^ highLow))
        default: mask = minAddress
        }
        let suffix = XtFormat.prefixLength(ofMask: mask).map { "/\($0)" } ?? "/" + XtFormat.address(mask)
        return ["--to", XtFormat.address(minAddress) + suffix]
    }

    /// libxt_NAT `__NAT_print(range, family, option, "--", skipColon)`.
    func arguments(option: String, skipColon: Bool) -> [String] {
        var out: [String] = []
        var range = Substring(rangeText)
        if !range.isEmpty {
            if skipColon, range.first == ":" { range = range.dropFirst() }
            out += [option, String(range)]
        }
        if flags.contains(.random) { out.append("--random") }
        if flags.contains(.randomFully) { out.append("--random-fully") }
        if flags.contains(.persistent) { out.append("--persistent") }
        return out
    }
}
