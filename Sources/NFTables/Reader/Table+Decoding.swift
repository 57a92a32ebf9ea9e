import NetCore
import Netlink

extension Table {
    /// Decodes an `NFT_MSG_NEWTABLE` message (`NFTA_TABLE_*`).
    public init(message: NetlinkMessage) throws {
        let family = try message.nfgenFamily(path: "table")
        let a = try ExpressionAttributes(message.attributes(afterFamilyHeader: NFTMessage.familyHeaderSize, path: "table"))
        self.init(family: family, name: try a.required(1, "name") { a.string($0) },
                  handle: try a.u64(4) ?? 0, flags: Flags(rawValue: try a.u32(2) ?? 0), use: try a.u32(3) ?? 0,
                  owner: try a.u32(7), userdata: a.bytes(6) ?? [])
    }
}

extension Chain {
    /// Decodes an `NFT_MSG_NEWCHAIN` message (`NFTA_CHAIN_*`, hook in `NFTA_HOOK_*`).
    public init(message: NetlinkMessage) throws {
        let family = try message.nfgenFamily(path: "chain")
        let a = try ExpressionAttributes(message.attributes(afterFamilyHeader: NFTMessage.familyHeaderSize, path: "chain"))
        var kind = Kind.regular
        if let hookAttributes = a.nested(4) {
            let hook = try ExpressionAttributes(hookAttributes)
            // Newer kernels send a single device both as NFTA_HOOK_DEV and in NFTA_HOOK_DEVS: prefer the list.
            var devices: [String] = []
            if let list = hook.nested(4) { try list.forEach { devices.append($0.string) } }
            if devices.isEmpty, let device = hook.string(3) { devices.append(device) }
            kind = .base(BaseChain(
                hook: Hook(rawValue: try hook.requiredU32(1, "hooknum")),
                priority: Int32(bitPattern: try hook.u32(2) ?? 0),
                type: a.string(7) ?? "filter",
                policy: Verdict.Code(rawValue: Int32(bitPattern: try a.u32(5) ?? 1)),
                devices: devices))
        }
        self.init(family: family, table: try a.required(1, "table") { a.string($0) },
                  name: try a.required(3, "name") { a.string($0) }, handle: try a.u64(2) ?? 0, kind: kind,
                  flags: try a.u32(10) ?? 0, use: try a.u32(6) ?? 0, userdata: a.bytes(12) ?? [],
                  counters: try a.nested(8).map { try Expression.Counter(ExpressionAttributes($0)) })
    }
}

extension Rule {
    /// Decodes an `NFT_MSG_NEWRULE` message (`NFTA_RULE_*`), walking the expressions in Swift.
    public init(message: NetlinkMessage) throws {
        try self.init(message: message, table: nil, chain: nil)
    }

    /// The same, reusing `table` and `chain` for the rule's names when they match (a per-chain dump).
    init(message: NetlinkMessage, table knownTable: String?, chain knownChain: String?) throws {
        let family = try message.nfgenFamily(path: "rule")
        let a = try ExpressionAttributes(message.attributes(afterFamilyHeader: NFTMessage.familyHeaderSize, path: "rule"))
        // "rule.expr" fits a small (inline) string: the path is copied with every attribute walker.
        let expressions = try a.nested(4).map { try Expression.list(decoding: NetlinkAttributes($0.bytes, path: "rule.expr")) } ?? []
        self.init(family: family, table: try a.required(1, "table") { a.string($0, reusing: knownTable) },
                  chain: try a.required(2, "chain") { a.string($0, reusing: knownChain) }, handle: try a.required(3, "handle") { try a.u64($0) },
                  position: try a.u64(6), expressions: expressions, userdata: a.bytes(7) ?? [])
    }
}
