import NFTables

/// What a rule does, read from its expressions: its verdict, whether it rewrites the destination (DNAT,
/// REDIRECT) or ends the packet (drop, reject), and whether it only applies to local destinations
/// (`-m addrtype --dst-type LOCAL`, `fib daddr type local`). Compat (iptables-nft xt) targets and matches
/// are read by name; native expressions by kind.
struct RuleShape {
    var verdict: Verdict?
    var dnat = false
    var redirect = false
    var reject = false
    /// The REDIRECT / redir target port, when the rule names one.
    var redirectPort: UInt16?
    var localGuard = false

    init(_ rule: Rule) {
        var immediates: [Int: [UInt8]] = [:]
        for expression in rule.expressions {
            switch expression {
            case .immediate(let immediate):
                if let verdict = immediate.verdict { self.verdict = verdict }
                if case .value(let bytes) = immediate.data, let slot = immediate.destination.slot { immediates[slot] = bytes }
            case .nat(let nat) where !nat.isSource:
                dnat = true
            case .redir(let redir):
                redirect = true
                if let slot = redir.protoMin?.slot, let bytes = immediates[slot], bytes.count >= 2 {
                    redirectPort = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
                }
            case .reject:
                reject = true
            case .fib(let fib):
                // NFT_FIB_RESULT_ADDRTYPE (3) of the destination (NFTA_FIB_F_DADDR, 0x2): `fib daddr type …`.
                if fib.result == 3 && fib.flags & 0x2 != 0 { localGuard = true }
            case .match(let match) where match.name == "addrtype":
                localGuard = localGuard || RuleShape.addrtypeWantsLocalDestination(match)
            case .target(let target):
                switch target.name {
                case "DNAT": dnat = true
                case "REDIRECT":
                    redirect = true
                    redirectPort = RuleShape.natRangeMinPort(target.info)
                case "REJECT": reject = true
                default: break
                }
            default:
                break
            }
        }
    }

    var drops: Bool { verdict?.code == .drop }
    var blocks: Bool { drops || reject }
    var captures: Bool { dnat || redirect }

    /// The chain a jump or goto leads to.
    var target: String? {
        guard let verdict, verdict.code == .jump || verdict.code == .goto else { return nil }
        return verdict.chain
    }

    /// `xt_addrtype_info` (rev 0) or `_v1`: `u16 source, u16 dest, …`; bit `1 << RTN_LOCAL` (0x4) is LOCAL.
    /// An inverted destination match (`! --dst-type LOCAL`) does not guard.
    static func addrtypeWantsLocalDestination(_ match: CompatExtension) -> Bool {
        guard match.info.count >= 4 else { return false }
        let dest = UInt16(match.info[2]) | UInt16(match.info[3]) << 8  // host byte order (little-endian here)
        guard dest & 0x4 != 0 else { return false }
        if match.revision >= 1, match.info.count >= 8 {
            let flags = UInt32(match.info[4]) | UInt32(match.info[5]) << 8
            return flags & 0x2 == 0  // XT_ADDRTYPE_INVERT_DEST
        }
        if match.info.count >= 12 { return match.info[8] == 0 }  // rev 0: u32 invert_source, u32 invert_dest
        return true
    }

    /// `nf_nat_ipv4_multi_range_compat`: `u32 rangesize; { u32 flags; be32 min_ip, max_ip; be16 min port … }`.
    static func natRangeMinPort(_ info: [UInt8]) -> UInt16? {
        guard info.count >= 18 else { return nil }
        let port = UInt16(info[16]) << 8 | UInt16(info[17])
        return port == 0 ? nil : port
    }
}

/// The rules of one namespace's nf_tables ruleset by chain, in kernel order.
struct RuleGraph {
    struct Key: Hashable {
        var family: NFTFamily
        var table: String
        var chain: String
    }

    let snapshot: RulesetSnapshot
    private(set) var rulesByChain: [Key: [Rule]] = [:]

    init(_ snapshot: RulesetSnapshot) {
        self.snapshot = snapshot
        for rule in snapshot.rules {
            rulesByChain[Key(family: rule.family, table: rule.table, chain: rule.chain), default: []].append(rule)
        }
    }

    func rules(_ family: NFTFamily, _ table: String, _ chain: String) -> [Rule] {
        rulesByChain[Key(family: family, table: table, chain: chain)] ?? []
    }

    var baseChains: [Chain] { snapshot.structure.chains.filter { $0.base != nil } }

    /// Every rule reachable from `chain` by jump and goto, depth first in evaluation order, each once.
    func reachable(from family: NFTFamily, _ table: String, _ chain: String, limit: Int = 10_000) -> [Rule] {
        var seen: Set<String> = [], result: [Rule] = []
        func visit(_ name: String) {
            guard seen.insert(name).inserted, result.count < limit else { return }
            for rule in rules(family, table, name) {
                result.append(rule)
                if let target = RuleShape(rule).target { visit(target) }
            }
        }
        visit(chain)
        return result
    }
}
