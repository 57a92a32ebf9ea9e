/// A named stateful object (`NFT_MSG_NEWOBJ`): counter, quota, limit, ct helper, ct timeout, ….
public struct StatefulObject: Hashable, Sendable, Encodable {
    public var family: NFTFamily
    public var table: String
    public var name: String
    public var handle: UInt64
    public var type: ObjectType
    public var use: UInt32
    public var userdata: [UInt8]
    public var content: Content

    public init(family: NFTFamily, table: String, name: String, handle: UInt64 = 0, type: ObjectType,
                use: UInt32 = 0, userdata: [UInt8] = [], content: Content) {
        self.family = family
        self.table = table
        self.name = name
        self.handle = handle
        self.type = type
        self.use = use
        self.userdata = userdata
        self.content = content
    }

    /// The object comment, from userdata.
    public var comment: String? { Userdata.comment(in: userdata, type: Userdata.objectComment) }

    /// What the object holds (`NFTA_OBJ_DATA`), decoded for the common types.
    public enum Content: Hashable, Sendable, Encodable {
        case counter(Expression.Counter)
        case quota(Expression.Quota)
        case limit(Expression.Limit)
        case connlimit(Expression.Connlimit)
        /// `ct helper`: helper name, layer 3 and layer 4 protocol.
        case ctHelper(name: String, l3proto: UInt16, l4proto: UInt8)
        /// `ct timeout`: layer 3 and 4 protocol and the raw timeout policy attributes.
        case ctTimeout(l3proto: UInt16, l4proto: UInt8, policy: [UInt8])
        /// Anything else, kept as the raw `NFTA_OBJ_DATA` payload.
        case raw([UInt8])
    }
}

/// `NFT_OBJECT_*`.
public struct ObjectType: RawRepresentable, Hashable, Sendable, Encodable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let counter = ObjectType(rawValue: 1)
    public static let quota = ObjectType(rawValue: 2)
    public static let ctHelper = ObjectType(rawValue: 3)
    public static let limit = ObjectType(rawValue: 4)
    public static let connlimit = ObjectType(rawValue: 5)
    public static let tunnel = ObjectType(rawValue: 6)
    public static let ctTimeout = ObjectType(rawValue: 7)
    public static let secmark = ObjectType(rawValue: 8)
    public static let ctExpect = ObjectType(rawValue: 9)
    public static let synproxy = ObjectType(rawValue: 10)

    public var description: String {
        switch self {
        case .counter: return "counter"
        case .quota: return "quota"
        case .ctHelper: return "ct helper"
        case .limit: return "limit"
        case .connlimit: return "ct count"
        case .tunnel: return "tunnel"
        case .ctTimeout: return "ct timeout"
        case .secmark: return "secmark"
        case .ctExpect: return "ct expectation"
        case .synproxy: return "synproxy"
        default: return "object(\(rawValue))"
        }
    }
}

/// A flowtable (`NFT_MSG_NEWFLOWTABLE`, Linux 4.16): a fast path for established flows between devices.
public struct Flowtable: Hashable, Sendable, Encodable {
    public var family: NFTFamily
    public var table: String
    public var name: String
    public var handle: UInt64
    public var hook: Hook
    public var priority: Int32
    public var devices: [String]
    /// `NFT_FLOWTABLE_HW_OFFLOAD` (0x1), `NFT_FLOWTABLE_COUNTER` (0x2).
    public var flags: UInt32
    public var use: UInt32

    public init(family: NFTFamily, table: String, name: String, handle: UInt64 = 0, hook: Hook = .ingress,
                priority: Int32 = 0, devices: [String] = [], flags: UInt32 = 0, use: UInt32 = 0) {
        self.family = family
        self.table = table
        self.name = name
        self.handle = handle
        self.hook = hook
        self.priority = priority
        self.devices = devices
        self.flags = flags
        self.use = use
    }
}
