import NetCore
import Netlink

/// A minimal read of the nf_tables side for the split-backend report: every chain with its family, table,
/// hook and priority, and how many rules it holds. It does not decode rules (the NFTables module does);
/// it only counts them, so memory stays proportional to the number of chains.
///
/// Requests: `NFT_MSG_GETCHAIN` and `NFT_MSG_GETRULE` dumps with `NFPROTO_UNSPEC` (every family).
public struct NFTablesCensus: Equatable, Sendable {
    /// One nf_tables chain.
    public struct Chain: Hashable, Sendable {
        /// `ip`, `ip6`, `inet`, `arp`, `bridge`, `netdev`, or the number.
        public var family: String
        public var table: String
        public var name: String
        /// The hook number for base chains (`NFTA_HOOK_HOOKNUM`); nil for regular chains.
        public var hook: UInt32?
        /// The priority for base chains (`NFTA_HOOK_PRIORITY`).
        public var priority: Int32?
        public var ruleCount: Int
    }

    public var chains: [Chain]

    // nfnetlink: subsystem NFNL_SUBSYS_NFTABLES (10) in the high byte of the message type.
    static let getChain: UInt16 = 10 << 8 | 4    // NFT_MSG_GETCHAIN
    static let getRule: UInt16 = 10 << 8 | 7     // NFT_MSG_GETRULE
    static let chainTable: UInt16 = 1, chainName: UInt16 = 3, chainHook: UInt16 = 4  // NFTA_CHAIN_*
    static let hookNumber: UInt16 = 1, hookPriority: UInt16 = 2                       // NFTA_HOOK_*
    static let ruleTable: UInt16 = 1, ruleChain: UInt16 = 2                           // NFTA_RULE_*
    /// `struct nfgenmsg`: family, version, resource id.
    static let familyHeaderSize = 4

    /// Reads the census over a netfilter netlink connection (open it inside the namespace).
    public static func read(_ connection: NetlinkConnection) throws -> NFTablesCensus {
        var chains: [Chain] = []
        var index: [String: Int] = [:]
        let header: [UInt8] = [0, 0, 0, 0]  // NFPROTO_UNSPEC, NFNETLINK_V0, res_id 0
        try connection.consistentDump(NetlinkRequest(type: getChain, flags: [], familyHeader: header),
                                      operation: .dump("nf_tables chains"),
                                      reset: { chains = []; index = [:] }) { message in
            guard let chain = try decodeChain(message) else { return }
            index[key(chain.family, chain.table, chain.name)] = chains.count
            chains.append(chain)
        }
        var counts: [String: Int] = [:]
        try connection.consistentDump(NetlinkRequest(type: getRule, flags: [], familyHeader: header),
                                      operation: .dump("nf_tables rules"), reset: { counts = [:] }) { message in
            guard message.header.type & 0xff == 6 else { return }  // NFT_MSG_NEWRULE
            let family = familyName(message.payload.first ?? 0)
            let attributes = try message.attributes(afterFamilyHeader: familyHeaderSize, path: "nft.rule").table()
            let table = attributes[ruleTable]?.string ?? "", chain = attributes[ruleChain]?.string ?? ""
            counts[key(family, table, chain), default: 0] += 1
        }
        for (name, count) in counts { if let position = index[name] { chains[position].ruleCount = count } }
        return NFTablesCensus(chains: chains)
    }

    static func decodeChain(_ message: NetlinkMessage) throws -> Chain? {
        guard message.header.type & 0xff == 3 else { return nil }  // NFT_MSG_NEWCHAIN
        let family = familyName(message.payload.first ?? 0)
        let attributes = try message.attributes(afterFamilyHeader: familyHeaderSize, path: "nft.chain").table()
        var chain = Chain(family: family, table: attributes[chainTable]?.string ?? "",
                          name: attributes[chainName]?.string ?? "", hook: nil, priority: nil, ruleCount: 0)
        if let hook = attributes[chainHook] {
            let nested = try hook.nested.table()
            chain.hook = try nested[hookNumber]?.u32BigEndian()
            chain.priority = try nested[hookPriority].map { Int32(bitPattern: try $0.u32BigEndian()) }
        }
        return chain
    }

    static func key(_ family: String, _ table: String, _ chain: String) -> String { "\(family)\u{0}\(table)\u{0}\(chain)" }

    /// The `nft` family keyword for an `NFPROTO_*` number.
    static func familyName(_ value: UInt8) -> String {
        switch value {
        case 1: return "inet"
        case 2: return "ip"
        case 3: return "arp"
        case 5: return "netdev"
        case 7: return "bridge"
        case 10: return "ip6"
        default: return String(value)
        }
    }
}
