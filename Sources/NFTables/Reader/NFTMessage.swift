import NetCore
import Netlink

/// nf_tables message types (`NFT_MSG_*`) in the nfnetlink subsystem `NFNL_SUBSYS_NFTABLES` (10).
public struct NFTMessage: RawRepresentable, Hashable, Sendable, Encodable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let newTable = NFTMessage(rawValue: 0)
    public static let getTable = NFTMessage(rawValue: 1)
    public static let newChain = NFTMessage(rawValue: 3)
    public static let getChain = NFTMessage(rawValue: 4)
    public static let newRule = NFTMessage(rawValue: 6)
    public static let getRule = NFTMessage(rawValue: 7)
    public static let newSet = NFTMessage(rawValue: 9)
    public static let getSet = NFTMessage(rawValue: 10)
    public static let newSetElement = NFTMessage(rawValue: 12)
    public static let getSetElement = NFTMessage(rawValue: 13)
    public static let newGeneration = NFTMessage(rawValue: 15)
    public static let getGeneration = NFTMessage(rawValue: 16)
    public static let newObject = NFTMessage(rawValue: 18)
    public static let getObject = NFTMessage(rawValue: 19)
    public static let newFlowtable = NFTMessage(rawValue: 22)
    public static let getFlowtable = NFTMessage(rawValue: 23)

    /// The netlink message type: `NFNL_SUBSYS_NFTABLES << 8 | msg`.
    public var netlinkType: UInt16 { 10 << 8 | rawValue }

    /// The nf_tables message a netlink type carries, when it is one.
    public init?(netlinkType: UInt16) {
        guard netlinkType >> 8 == 10 else { return nil }
        self.init(rawValue: netlinkType & 0xff)
    }

    /// A request with `struct nfgenmsg` (family, version 0, resource id 0).
    public static func request(_ message: NFTMessage, family: NFTFamily, flags: NetlinkFlags = []) -> NetlinkRequest {
        NetlinkRequest(type: message.netlinkType, flags: flags, familyHeader: [family.rawValue, 0, 0, 0])
    }

    /// The size of `struct nfgenmsg`.
    public static let familyHeaderSize = 4
}

extension NetlinkMessage {
    /// The family byte of `struct nfgenmsg`.
    func nfgenFamily(path: String) throws -> NFTFamily {
        NFTFamily(rawValue: try payload.hostInteger(UInt8.self, path: path + ".nfgen_family"))
    }
}
