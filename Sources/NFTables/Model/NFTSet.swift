/// An nf_tables set or map (`NFT_MSG_NEWSET`) with its elements.
public struct NFTSet: Hashable, Sendable, Encodable {
    public var family: NFTFamily
    public var table: String
    public var name: String
    public var handle: UInt64
    public var flags: Flags
    /// The key's datatype id (`NFTA_SET_KEY_TYPE`); concatenations pack 6-bit type ids.
    public var keyType: UInt32
    /// Key length in bytes (`NFTA_SET_KEY_LEN`).
    public var keyLength: UInt32
    /// The data's datatype for maps (`NFTA_SET_DATA_TYPE`); `0xffffff00` is verdict.
    public var dataType: UInt32?
    public var dataLength: UInt32?
    /// The object type of object maps (`NFTA_SET_OBJ_TYPE`).
    public var objectType: UInt32?
    /// `NFTA_SET_POLICY`: 0 performance, 1 memory.
    public var policy: UInt32?
    /// `NFTA_SET_DESC_SIZE`.
    public var size: UInt32?
    /// Byte lengths of the fields of a concatenated key (`NFTA_SET_DESC_CONCAT`).
    public var concatFieldLengths: [UInt32]
    /// Default element timeout in milliseconds (`NFTA_SET_TIMEOUT`).
    public var timeout: UInt64?
    /// Garbage collection interval in milliseconds (`NFTA_SET_GC_INTERVAL`).
    public var gcInterval: UInt32?
    public var userdata: [UInt8]
    /// Expressions every element carries (`NFTA_SET_EXPR(ESSIONS)`): counters, limits.
    public var expressions: [Expression]
    public var elements: [SetElement]

    public init(family: NFTFamily, table: String, name: String, handle: UInt64 = 0, flags: Flags = [],
                keyType: UInt32 = 0, keyLength: UInt32 = 0, dataType: UInt32? = nil, dataLength: UInt32? = nil,
                objectType: UInt32? = nil, policy: UInt32? = nil, size: UInt32? = nil,
                concatFieldLengths: [UInt32] = [], timeout: UInt64? = nil, gcInterval: UInt32? = nil,
                userdata: [UInt8] = [], expressions: [Expression] = [], elements: [SetElement] = []) {
        self.family = family
        self.table = table
        self.name = name
        self.handle = handle
        self.flags = flags
        self.keyType = keyType
        self.keyLength = keyLength
        self.dataType = dataType
        self.dataLength = dataLength
        self.objectType = objectType
        self.policy = policy
        self.size = size
        self.concatFieldLengths = concatFieldLengths
        self.timeout = timeout
        self.gcInterval = gcInterval
        self.userdata = userdata
        self.expressions = expressions
        self.elements = elements
    }

    /// The set comment, from userdata.
    public var comment: String? { Userdata.comment(in: userdata, type: Userdata.setComment) }
    /// Anonymous sets (`__set%d`, `__map%d`) belong to one rule and print inline.
    public var isAnonymous: Bool { flags.contains(.anonymous) }
    /// Maps with verdicts as data (`NFT_DATA_VERDICT`).
    public var isVerdictMap: Bool { dataType == 0xffff_ff00 }

    /// `NFT_SET_*` flags.
    public struct Flags: OptionSet, Hashable, Sendable, Encodable {
        public var rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let anonymous = Flags(rawValue: 0x1)
        public static let constant = Flags(rawValue: 0x2)
        public static let interval = Flags(rawValue: 0x4)
        public static let map = Flags(rawValue: 0x8)
        public static let timeout = Flags(rawValue: 0x10)
        /// Updated from the packet path (`NFT_SET_EVAL`): `dynamic` in nft.
        public static let eval = Flags(rawValue: 0x20)
        public static let object = Flags(rawValue: 0x40)
        public static let concat = Flags(rawValue: 0x80)
        public static let expr = Flags(rawValue: 0x100)
    }
}

/// One element of a set or map (`NFTA_LIST_ELEM` in `NFT_MSG_NEWSETELEM`).
public struct SetElement: Hashable, Sendable, Encodable {
    /// The key bytes (`NFTA_SET_ELEM_KEY`), registers padded per field for concatenations.
    public var key: [UInt8]
    /// The end of a range in sets with concatenated intervals (`NFTA_SET_ELEM_KEY_END`).
    public var keyEnd: [UInt8]?
    /// The mapped value or verdict (`NFTA_SET_ELEM_DATA`).
    public var data: NFTData?
    /// `NFT_SET_ELEM_INTERVAL_END` (0x1) and `NFT_SET_ELEM_CATCHALL` (0x2).
    public var flags: UInt32
    /// Milliseconds (`NFTA_SET_ELEM_TIMEOUT`, `NFTA_SET_ELEM_EXPIRATION`).
    public var timeout: UInt64?
    public var expiration: UInt64?
    /// The object of object maps (`NFTA_SET_ELEM_OBJREF`).
    public var objectReference: String?
    public var userdata: [UInt8]
    public var expressions: [Expression]

    public init(key: [UInt8], keyEnd: [UInt8]? = nil, data: NFTData? = nil, flags: UInt32 = 0,
                timeout: UInt64? = nil, expiration: UInt64? = nil, objectReference: String? = nil,
                userdata: [UInt8] = [], expressions: [Expression] = []) {
        self.key = key
        self.keyEnd = keyEnd
        self.data = data
        self.flags = flags
        self.timeout = timeout
        self.expiration = expiration
        self.objectReference = objectReference
        self.userdata = userdata
        self.expressions = expressions
    }

    /// This element closes the interval opened by the previous one.
    public var isIntervalEnd: Bool { flags & 0x1 != 0 }
    /// The catch-all element (`*`).
    public var isCatchAll: Bool { flags & 0x2 != 0 }
    /// The element comment, from userdata.
    public var comment: String? { Userdata.comment(in: userdata, type: Userdata.elementComment) }
}
