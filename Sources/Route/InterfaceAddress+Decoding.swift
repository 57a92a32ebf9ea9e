import NetCore
import Netlink

extension InterfaceAddress {
    /// The size of `struct ifaddrmsg`.
    static let familyHeaderSize = 8

    /// Decodes an `RTM_NEWADDR` message of family `AF_INET` or `AF_INET6`. Lifetimes (`IFA_CACHEINFO`)
    /// and other unmodelled attributes are skipped.
    public init(decoding message: NetlinkMessage) throws {
        let rt = try RtnetlinkMessage(message, expecting: RtnetlinkType.newAddress,
                                      familyHeaderSize: InterfaceAddress.familyHeaderSize, path: "address")
        let family = try rt.ipFamily("ifa_family")
        let prefixLength = try rt.u8(at: 1, "ifa_prefixlen")
        var flags = AddressFlags(rawValue: UInt32(try rt.u8(at: 2, "ifa_flags")))
        let index = try rt.i32(at: 4, "ifa_index")
        var address: IPPrefix?, local: IPPrefix?, broadcast: IPAddress?, label: String?, priority: UInt32?
        try rt.attributes.forEach { attribute in
            switch attribute.type {
            case 1: address = try attribute.prefix(of: family, length: prefixLength)   // IFA_ADDRESS
            case 2: local = try attribute.prefix(of: family, length: prefixLength)     // IFA_LOCAL
            case 3: label = attribute.string                                           // IFA_LABEL
            case 4: broadcast = try attribute.address(of: family)                      // IFA_BROADCAST
            case 8: flags = AddressFlags(rawValue: try attribute.u32())                // IFA_FLAGS
            case 9: priority = try attribute.u32()                                     // IFA_RT_PRIORITY
            default: break
            }
        }
        // IPv4 sends IFA_LOCAL (the address) and IFA_ADDRESS (the peer on point-to-point links, else the
        // same address); IPv6 sends only IFA_ADDRESS unless a peer is configured (inet6_fill_ifaddr).
        guard let mine = local ?? address else {
            throw DecodeError(path: "address[\(index)].IFA_ADDRESS", offset: 0, reason: "missing")
        }
        let peer = local != nil && address?.address != local?.address ? address?.address : nil
        self.init(interfaceIndex: index, prefix: mine, peer: peer, broadcast: broadcast,
                  scope: RouteScope(rawValue: try rt.u8(at: 3, "ifa_scope")), flags: flags, label: label,
                  routePriority: priority)
    }
}
