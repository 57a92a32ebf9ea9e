import NetCore
import Netlink

extension Neighbour {
    /// The size of `struct ndmsg`.
    static let familyHeaderSize = 12

    /// Decodes an `RTM_NEWNEIGH` message of family `AF_INET` or `AF_INET6` (bridge FDB entries, family
    /// `AF_BRIDGE`, are not neighbours and throw).
    public init(decoding message: NetlinkMessage) throws {
        let rt = try RtnetlinkMessage(message, expecting: RtnetlinkType.newNeighbour,
                                      familyHeaderSize: Neighbour.familyHeaderSize, path: "neighbour")
        let family = try rt.ipFamily("ndm_family")
        let index = try rt.i32(at: 4, "ndm_ifindex")
        var address: IPAddress?, linkLayer: LinkLayerAddress?, proto: RouteProtocol?
        try rt.attributes.forEach { attribute in
            switch attribute.type {
            case 1: address = try attribute.address(of: family)                          // NDA_DST
            case 2: linkLayer = LinkLayerAddress(bytes: Array(attribute.payload))        // NDA_LLADDR
            case 12: proto = RouteProtocol(rawValue: try attribute.u8())                 // NDA_PROTOCOL
            default: break
            }
        }
        guard let address else {
            throw DecodeError(path: "neighbour[\(index)].NDA_DST", offset: 0, reason: "missing")
        }
        self.init(interfaceIndex: index, address: address, linkLayerAddress: linkLayer,
                  state: NeighbourState(rawValue: try rt.u16(at: 8, "ndm_state")),
                  flags: NeighbourFlags(rawValue: try rt.u8(at: 10, "ndm_flags")), protocol: proto)
    }
}
