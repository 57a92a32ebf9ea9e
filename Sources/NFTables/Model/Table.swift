/// An nf_tables table (`NFT_MSG_NEWTABLE`): the container of chains, sets, objects and flowtables.
public struct Table: Hashable, Sendable, Encodable {
    public var family: NFTFamily
    public var name: String
    /// The kernel's handle (`NFTA_TABLE_HANDLE`).
    public var handle: UInt64
    public var flags: Flags
    /// The number of chains (`NFTA_TABLE_USE`).
    public var use: UInt32
    /// The netlink port that owns the table, when `flags` has `.owner` (`NFTA_TABLE_OWNER`, Linux 5.12).
    public var owner: UInt32?
    /// libnftnl userdata TLVs (`NFTA_TABLE_USERDATA`); `comment` is decoded from it.
    public var userdata: [UInt8]

    public init(family: NFTFamily, name: String, handle: UInt64 = 0, flags: Flags = [], use: UInt32 = 0,
                owner: UInt32? = nil, userdata: [UInt8] = []) {
        self.family = family
        self.name = name
        self.handle = handle
        self.flags = flags
        self.use = use
        self.owner = owner
        self.userdata = userdata
    }

    /// The table comment (`comment "..."`), from userdata.
    public var comment: String? { Userdata.comment(in: userdata, type: Userdata.tableComment) }

    /// `NFT_TABLE_F_*`.
    public struct Flags: OptionSet, Hashable, Sendable, Encodable {
        public var rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// The table's base chains are not registered (`NFT_TABLE_F_DORMANT`).
        public static let dormant = Flags(rawValue: 0x1)
        /// The table belongs to the netlink socket that created it (`NFT_TABLE_F_OWNER`, Linux 5.12).
        public static let owner = Flags(rawValue: 0x2)
        /// The owner keeps the table when it exits (`NFT_TABLE_F_PERSIST`, Linux 6.9).
        public static let persist = Flags(rawValue: 0x4)
    }
}
