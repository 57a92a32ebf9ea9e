import NetCore

/// The `REJECT` target: drop and answer with an ICMP error or a TCP reset.
///
/// Mirrors `struct ipt_reject_info { enum ipt_reject_with with; }` (linux/netfilter_ipv4/ipt_REJECT.h) and
/// `struct ip6t_reject_info { __u32 with; }` (linux/netfilter_ipv6/ip6t_REJECT.h), 4 bytes each, revision 0.
/// The same number means different replies in the two families.
public struct XtReject: Hashable, Sendable {
    /// The family whose table gives `code` its meaning.
    public var family: IPFamily
    /// `IPT_ICMP_*` / `IP6T_ICMP6_*` value.
    public var code: UInt32

    /// Creates a value from its fields.
    public init(family: IPFamily, code: UInt32) {
        self.family = family
        self.code = code
    }

    /// libipt_REJECT `reject_table` (ECHOREPLY, 4, is compiled out and has no name).
    static let ipv4Names = ["icmp-net-unreachable", "icmp-host-unreachable", "icmp-proto-unreachable",
                            "icmp-port-unreachable", nil, "icmp-net-prohibited", "icmp-host-prohibited",
                            "tcp-reset", "icmp-admin-prohibited"]
    /// libip6t_REJECT `reject_table` (NOT_NEIGHBOUR, 2, and ECHOREPLY, 5, have no name).
    static let ipv6Names = ["icmp6-no-route", "icmp6-adm-prohibited", nil, "icmp6-addr-unreachable",
                            "icmp6-port-unreachable", nil, "tcp-reset", "icmp6-policy-fail", "icmp6-reject-route"]

    /// The `--reject-with` name, or nil when iptables has none for this code.
    public var name: String? {
        let table = family == .ipv4 ? Self.ipv4Names : Self.ipv6Names
        return code < table.count ? table[Int(code)] : nil
    }

    static func decode(_ blob: XtBlob, family: IPFamily) throws(DecodeError) -> XtReject {
        try blob.require(4, family == .ipv4 ? "ipt_reject_info" : "ip6t_reject_info")
        return XtReject(family: family, code: try blob.u32(0))
    }

    /// libipt_REJECT / libip6t_REJECT `REJECT_save`. iptables prints `(null)` for a code without a name
    /// (and reads past its table for a larger one); we print `(null)` for both, so the output stays stable.
    var arguments: [String] { ["--reject-with", name ?? "(null)"] }
}
