import Foundation

/// One namespace of a lab, named as `ip netns` knows it.
public struct LabNamespace: Sendable, Hashable {
    public let name: String
    /// The bind-mount path, `/run/netns/NAME`.
    public var path: String { "/run/netns/\(name)" }

    /// Names a namespace made elsewhere (for example by the demo lab), to reuse the lab's probes on it.
    /// Whoever created it removes it.
    public init(name: String) { self.name = name }

    /// Runs a command inside the namespace (`ip netns exec`).
    @discardableResult
    public func exec(_ arguments: [String], input: String? = nil, allowFailure: Bool = false) throws -> String {
        try Shell.run(["ip", "netns", "exec", name] + arguments, input: input, allowFailure: allowFailure)
    }

    /// Loads an `iptables-save` style ruleset with `iptables-nft-restore` (or the IPv6 twin).
    public func loadIptables(_ rules: String, ipv6: Bool = false, legacy: Bool = false) throws {
        let tool = (ipv6 ? "ip6tables" : "iptables") + (legacy ? "-legacy" : "-nft") + "-restore"
        try exec([tool], input: rules)
    }

    /// Loads an nftables ruleset with `nft -f -`.
    public func loadNft(_ ruleset: String) throws {
        try exec(["nft", "-f", "-"], input: ruleset)
    }

    /// Sets a sysctl inside the namespace (for example `net.ipv4.ip_forward=1`).
    public func sysctl(_ assignment: String) throws {
        try exec(["sysctl", "-qw", assignment])
    }
}
