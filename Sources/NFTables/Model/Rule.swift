/// An nf_tables rule (`NFT_MSG_NEWRULE`): expressions run in order, plus userdata (the comment).
public struct Rule: Hashable, Sendable, Encodable {
    public var family: NFTFamily
    public var table: String
    public var chain: String
    /// The rule's handle, unique within its table (`NFTA_RULE_HANDLE`).
    public var handle: UInt64
    /// The handle of the rule before it, when the kernel reports one (`NFTA_RULE_POSITION`).
    public var position: UInt64?
    public var expressions: [Expression]
    /// libnftnl userdata TLVs (`NFTA_RULE_USERDATA`); `comment` is decoded from it.
    public var userdata: [UInt8]

    public init(family: NFTFamily, table: String, chain: String, handle: UInt64, position: UInt64? = nil,
                expressions: [Expression], userdata: [UInt8] = []) {
        self.family = family
        self.table = table
        self.chain = chain
        self.handle = handle
        self.position = position
        self.expressions = expressions
        self.userdata = userdata
    }

    /// The rule comment (`NFTNL_UDATA_RULE_COMMENT`).
    public var comment: String? { Userdata.comment(in: userdata, type: Userdata.ruleComment) }
}
