import NetCore

/// The `policy` match: whether the packet was (or will be) handled by IPsec, and by which SA
/// (`-m policy --dir in --pol ipsec`; Calico and strongSwan setups).
///
/// Mirrors `struct xt_policy_info` (linux/netfilter/xt_policy.h), 308 bytes (312 padded): four
/// `struct xt_policy_elem` of 76 bytes (`saddr, smask, daddr, dmask` as 16-byte `union xt_policy_addr`,
/// `__be32 spi; __u32 reqid; __u8 proto, mode;` and two one-byte bitfields `match`, `invert` with bits
/// saddr 0, daddr 1, proto 2, mode 3, spi 4, reqid 5, as GCC lays them out on little-endian hosts), then
/// `__u16 flags, len`.
public struct XtPolicy: Hashable, Sendable {
    /// One policy element (`--next` separates them).
    public struct Element: Hashable, Sendable {
        /// Bitfield `struct xt_policy_spec`: which criteria are set (`match`) or inverted (`invert`).
        public struct Criteria: OptionSet, Hashable, Sendable {
            public var rawValue: UInt8
            public init(rawValue: UInt8) { self.rawValue = rawValue }
            /// The tunnel source address (`--tunnel-src`).
            public static let sourceAddress = Criteria(rawValue: 1 << 0)
            /// The tunnel destination address (`--tunnel-dst`).
            public static let destinationAddress = Criteria(rawValue: 1 << 1)
            /// The IPsec protocol number (`--proto`: esp 50, ah 51, ipcomp 108).
            public static let proto = Criteria(rawValue: 1 << 2)
            /// `--mode`.
            public static let mode = Criteria(rawValue: 1 << 3)
            /// `--spi`.
            public static let spi = Criteria(rawValue: 1 << 4)
            /// The policy request id (`--reqid`).
            public static let reqid = Criteria(rawValue: 1 << 5)
        }

        /// The tunnel source address (`--tunnel-src`).
        public var sourceAddress: IPAddress
        /// The mask of the tunnel source.
        public var sourceMask: IPAddress
        /// The tunnel destination address (`--tunnel-dst`).
        public var destinationAddress: IPAddress
        /// The mask of the tunnel destination.
        public var destinationMask: IPAddress
        /// The SPI as iptables stored it (it prints the stored number).
        public var spi: UInt32
        /// The policy request id (`--reqid`).
        public var reqid: UInt32
        /// The IPsec protocol number (`--proto`: esp 50, ah 51, ipcomp 108).
        public var proto: UInt8
        /// `XT_POLICY_MODE_TRANSPORT` 0 or `XT_POLICY_MODE_TUNNEL` 1.
        public var mode: UInt8
        /// The criteria present.
        public var match: Criteria
        /// The criteria negated with `!`.
        public var invert: Criteria
    }

    /// `XT_POLICY_MATCH_*`: in 1, out 2, none 4, strict 8.
    public var flags: UInt16
    /// The policy elements, at most 4, separated by `--next`.
    public var elements: [Element]

    static func decode(_ blob: XtBlob, family: IPFamily) throws(DecodeError) -> XtPolicy {
        try blob.require(308, "xt_policy_info")
        let count = Int(try blob.u16(306))
        guard count <= 4 else { throw blob.error(306, "policy element count \(count) exceeds 4") }
        var elements: [Element] = []
        for index in 0..<count {
            let base = 76 * index
            // In IPv4 the union holds a struct in_addr in its first 4 bytes.
            func address(_ offset: Int) throws(DecodeError) -> IPAddress {
                try blob.inetAddress(base + offset, family: family)
            }
            elements.append(Element(
                sourceAddress: try address(0), sourceMask: try address(16),
                destinationAddress: try address(32), destinationMask: try address(48),
                spi: try blob.u32(base + 64), reqid: try blob.u32(base + 68), proto: try blob.u8(base + 72),
                mode: try blob.u8(base + 73), match: .init(rawValue: try blob.u8(base + 74)),
                invert: .init(rawValue: try blob.u8(base + 75))))
        }
        return XtPolicy(flags: try blob.u16(304), elements: elements)
    }

    /// libxt_policy `policy4_save` / `policy6_save`.
    var arguments: [String] {
        var out = ["--dir", flags & 1 != 0 ? "in" : "out", "--pol", flags & 4 != 0 ? "none" : "ipsec"]
        if flags & 8 != 0 { out.append("--strict") }
        for (index, element) in elements.enumerated() {
            out += Self.arguments(element)
            if index + 1 < elements.count { out.append("--next") }
        }
        return out
    }

    static func arguments(_ e: Element) -> [String] {
        var out: [String] = []
        func item(_ bit: Element.Criteria, _ words: [String]) {
            guard e.match.contains(bit) else { return }
            out += (e.invert.contains(bit) ? ["!"] : []) + words
        }
        item(.reqid, ["--reqid", String(e.reqid)])
        item(.spi, ["--spi", XtFormat.hex(e.spi)])
        // print_proto runs with numeric false in the save path, so the protocol name is looked up.
        item(.proto, ["--proto", XtProtocolNames.name(e.proto) ?? String(e.proto)])
        item(.mode, ["--mode", e.mode == 0 ? "transport" : e.mode == 1 ? "tunnel" : "???"])
        item(.destinationAddress, ["--tunnel-dst",
                                   XtFormat.address(e.destinationAddress) + XtFormat.maskSuffix(e.destinationMask)])
        item(.sourceAddress, ["--tunnel-src",
                              XtFormat.address(e.sourceAddress) + XtFormat.maskSuffix(e.sourceMask)])
        return out
    }
}
