import NetCore
import Netlink

extension Link {
    /// The size of `struct ifinfomsg`.
    static let familyHeaderSize = 16

    /// Decodes an `RTM_NEWLINK` message. Attributes nfscope does not model (statistics, XDP, VF info,
    /// per-family data) are skipped; malformed lengths of any attribute throw `DecodeError`.
    public init(decoding message: NetlinkMessage) throws {
        let rt = try RtnetlinkMessage(message, expecting: RtnetlinkType.newLink,
                                      familyHeaderSize: Link.familyHeaderSize, path: "link")
        var link = Link(index: try rt.i32(at: 4, "ifi_index"), name: "",
                        hardwareType: try rt.u16(at: 2, "ifi_type"),
                        flags: LinkFlags(rawValue: try rt.u32(at: 8, "ifi_flags")))
        var sawName = false
        try rt.attributes.forEach { attribute in
            switch attribute.type {
            case 1: link.address = LinkLayerAddress(bytes: Array(attribute.payload))          // IFLA_ADDRESS
            case 2: link.broadcast = LinkLayerAddress(bytes: Array(attribute.payload))        // IFLA_BROADCAST
            case 3: link.name = attribute.string; sawName = true                              // IFLA_IFNAME
            case 4: link.mtu = try attribute.u32()                                            // IFLA_MTU
            case 5: link.parentIndex = try attribute.i32()                                    // IFLA_LINK
            case 10: link.masterIndex = try attribute.i32()                                   // IFLA_MASTER
            case 16: link.operationalState = OperationalState(rawValue: try attribute.u8())   // IFLA_OPERSTATE
            case 18: try link.decodeLinkInfo(attribute.nested)                                // IFLA_LINKINFO
            case 20: link.alias = attribute.string                                            // IFLA_IFALIAS
            case 27: link.group = try attribute.u32()                                         // IFLA_GROUP
            case 37: link.linkNamespaceID = try attribute.i32()                               // IFLA_LINK_NETNSID
            default: break
            }
        }
        guard sawName else {
            throw DecodeError(path: "link[\(link.index)].IFLA_IFNAME", offset: 0, reason: "missing")
        }
        self = link
    }

    /// `IFLA_LINKINFO`: the driver kind, the port kind, and for VXLAN its data.
    private mutating func decodeLinkInfo(_ info: NetlinkAttributes) throws {
        var data: NetlinkAttributes?
        try info.forEach { attribute in
            switch attribute.type {
            case 1: kind = LinkKind(rawValue: attribute.string)         // IFLA_INFO_KIND
            case 2: data = attribute.nested                             // IFLA_INFO_DATA
            case 4: portKind = LinkKind(rawValue: attribute.string)     // IFLA_INFO_SLAVE_KIND
            default: break
            }
        }
        // IFLA_INFO_DATA is per kind; only after the kind is known can it be read.
        if kind == .vxlan, let data { vxlan = try VXLANInfo(decoding: data) }
    }
}

extension VXLANInfo {
    init(decoding data: NetlinkAttributes) throws {
        self.init()
        try data.forEach { attribute in
            switch attribute.type {
            case 1: id = try attribute.u32()                                    // IFLA_VXLAN_ID
            case 2, 16: group = try attribute.address()                         // IFLA_VXLAN_GROUP(6)
            case 3: underlayIndex = try attribute.i32()                         // IFLA_VXLAN_LINK
            case 4, 17: local = try attribute.address()                         // IFLA_VXLAN_LOCAL(6)
            case 15: port = try attribute.u16BigEndian()                        // IFLA_VXLAN_PORT
            default: break
            }
        }
    }
}
