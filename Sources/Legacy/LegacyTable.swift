import NetCore
import Xtables

/// Which netfilter backend holds a table: nf_tables (iptables-nft, nft) or the legacy x_tables one
/// (iptables-legacy). Both register hooks in the kernel and both run.
public enum RulesetBackend: String, Hashable, Sendable, Codable {
    /// nf_tables, written by `nft` or `iptables-nft`.
    case nftables = "nft"
    /// x_tables, written by `iptables-legacy` / `ip6tables-legacy`.
    case legacy
}

/// One iptables-legacy table (`filter`, `nat`, `mangle`, `raw`, `security`) of one family, as the kernel's
/// x_tables getsockopt interface returns it (`IPT_SO_GET_INFO` + `IPT_SO_GET_ENTRIES`).
///
/// Chains are in the order their entries appear in the kernel blob (built-in chains in hook order as
/// iptables writes them, then user chains); ``LegacyRenderer`` applies iptables-save's own order.
///
/// How the kernel evaluates it (`ipt_do_table`), for a simulator: each built-in chain is a base chain on
/// its hook at ``BackendReport/legacyPriority(table:hook:)``. A packet runs the rules in order; a rule
/// matches when its ``LegacyIPHeader`` part and every match do; then ``LegacyTarget/verdict(_:)`` ends the
/// table (`RETURN` pops back to the caller, or applies the policy in a built-in chain),
/// ``LegacyTarget/jump(chain:goto:)`` enters a user chain (`goto`: without a return address),
/// ``LegacyTarget/continueToNext`` only counts, and an extension target either decides (`DNAT`, `REJECT`)
/// or continues (`MARK`, `LOG`). The end of a user chain returns; the end of a built-in chain applies its
/// policy.
public struct LegacyTable: Equatable, Sendable {
    /// The table name (`struct ipt_getinfo.name`).
    public var name: String
    /// IPv4 (`ip_tables`) or IPv6 (`ip6_tables`).
    public var family: IPFamily
    /// Always ``RulesetBackend/legacy``: kept so that mixed listings say where a table came from.
    public var backend: RulesetBackend { .legacy }
    /// The chains, built-in and user-defined, in blob order.
    public var chains: [LegacyChain]
    /// The number of entries in the blob (`num_entries`), chain heads and footers included.
    public var entryCount: Int
    /// The blob size in bytes (`size`).
    public var blobSize: Int
    /// Names of the ipsets that `set` matches and `SET` targets refer to, by index, as the kernel answered
    /// when the table was read (rules hold only the index). Empty when no rule uses a set.
    public var ipsetNames: [UInt16: String]

    public init(name: String, family: IPFamily, chains: [LegacyChain], entryCount: Int, blobSize: Int,
                ipsetNames: [UInt16: String] = [:]) {
        self.name = name
        self.family = family
        self.chains = chains
        self.entryCount = entryCount
        self.blobSize = blobSize
        self.ipsetNames = ipsetNames
    }

    /// The ipset indices the rules refer to, in first-use order.
    public var ipsetIndices: [UInt16] {
        var seen: [UInt16] = []
        func note(_ index: UInt16) { if !seen.contains(index) { seen.append(index) } }
        for rule in chains.flatMap(\.rules) {
            for match in rule.matches { if case .set(let set) = match.match { note(set.index) } }
            if case .extension(_, .set(let target), _) = rule.target {
                for reference in [target.add, target.delete, target.map].compactMap({ $0 }) { note(reference.index) }
            }
        }
        return seen
    }

    /// The number of rules over all chains (policies, heads and footers not counted).
    public var ruleCount: Int { chains.reduce(0) { $0 + $1.rules.count } }
}

/// A netfilter hook as x_tables numbers them (`NF_INET_PRE_ROUTING` 0 ... `NF_INET_POST_ROUTING` 4).
public enum LegacyHook: Int, Hashable, Sendable, Codable, CaseIterable {
    case prerouting = 0, input, forward, output, postrouting

    /// The built-in chain name iptables gives the hook.
    public var chainName: String {
        switch self {
        case .prerouting: return "PREROUTING"
        case .input: return "INPUT"
        case .forward: return "FORWARD"
        case .output: return "OUTPUT"
        case .postrouting: return "POSTROUTING"
        }
    }
}

/// Packet and byte counters of an entry (`struct xt_counters`).
public struct LegacyCounters: Hashable, Sendable, Codable {
    public var packets: UInt64
    public var bytes: UInt64

    public init(packets: UInt64, bytes: UInt64) {
        self.packets = packets
        self.bytes = bytes
    }
}

/// A chain of a legacy table.
public struct LegacyChain: Equatable, Sendable {
    /// Built-in (attached to a hook, with a policy) or user-defined.
    public enum Kind: Equatable, Sendable {
        /// A built-in chain: its hook, its policy and the policy entry's counters (what `:INPUT ACCEPT [p:b]`
        /// prints). The policy is the verdict of the entry at `underflow[hook]`.
        case builtin(hook: LegacyHook, policy: LegacyVerdict, counters: LegacyCounters)
        /// A user chain: an `ERROR` entry names it, a `RETURN` entry closes it.
        case user
    }

    public var name: String
    public var kind: Kind
    /// The rules in order; `LegacyRule.position` is 1-based within this chain.
    public var rules: [LegacyRule]
    /// The blob offset of the chain's first entry (the hook entry, or the `ERROR` head of a user chain).
    public var offset: Int

    public init(name: String, kind: Kind, rules: [LegacyRule], offset: Int) {
        self.name = name
        self.kind = kind
        self.rules = rules
        self.offset = offset
    }

    /// Whether the chain is attached to a hook.
    public var isBuiltin: Bool {
        if case .builtin = kind { return true }
        return false
    }
}
