import NetCore
import Netlink

extension Route {
    /// The size of `struct rtmsg`.
    static let familyHeaderSize = 12

    /// Decodes an `RTM_NEWROUTE` message of family `AF_INET` or `AF_INET6`.
    ///
    /// Attributes that only describe state (`RTA_CACHEINFO`, `RTA_EXPIRES`, padding) are skipped; any other
    /// attribute nfscope does not model lands in ``unknownAttributes``.
    public init(decoding message: NetlinkMessage) throws {
        let rt = try RtnetlinkMessage(message, expecting: RtnetlinkType.newRoute,
                                      familyHeaderSize: Route.familyHeaderSize, path: "route")
        let family = try rt.ipFamily("rtm_family")
        let destinationLength = try rt.u8(at: 1, "rtm_dst_len")
        let sourceLength = try rt.u8(at: 2, "rtm_src_len")
        var route = Route(family: family,
                          table: RouteTable(rawValue: UInt32(try rt.u8(at: 4, "rtm_table"))),
                          type: RouteType(rawValue: try rt.u8(at: 7, "rtm_type")),
                          protocol: RouteProtocol(rawValue: try rt.u8(at: 5, "rtm_protocol")),
                          scope: RouteScope(rawValue: try rt.u8(at: 6, "rtm_scope")),
                          destination: try .any(family, path: "route"),
                          tos: try rt.u8(at: 3, "rtm_tos"),
                          flags: RouteFlags(rawValue: try rt.u32(at: 8, "rtm_flags")))
        var sawDestination = false
        try rt.attributes.forEach { attribute in
            switch attribute.type {
            case 1: route.destination = try attribute.prefix(of: family, length: destinationLength); sawDestination = true
            case 2: route.source = try attribute.prefix(of: family, length: sourceLength)      // RTA_SRC
            default: try route.decodeAttribute(attribute)
            }
        }
        // A missing RTA_DST with a non-zero rtm_dst_len would silently widen the route to a default one.
        if !sawDestination, destinationLength != 0 {
            throw DecodeError(path: "route.RTA_DST", offset: 0, reason: "missing for rtm_dst_len \(destinationLength)")
        }
        self = route
    }

    private mutating func decodeAttribute(_ attribute: NetlinkAttribute) throws {
        switch attribute.type {
        case 3: inputInterface = try attribute.i32()                               // RTA_IIF
        case 4: outputInterface = try attribute.i32()                              // RTA_OIF
        case 5: gateway = try attribute.address(of: family)                        // RTA_GATEWAY
        case 6: priority = try attribute.u32()                                     // RTA_PRIORITY
        case 7: preferredSource = try attribute.address(of: family)                // RTA_PREFSRC
        case 8: metrics = try Route.decodeMetrics(attribute.nested)                // RTA_METRICS
        case 9: nexthops = try Nexthop.decodeList(attribute, family: family)       // RTA_MULTIPATH
        case 11: realm = try attribute.u32()                                       // RTA_FLOW
        case 15: table = RouteTable(rawValue: try attribute.u32())                 // RTA_TABLE
        case 16: mark = try attribute.u32()                                        // RTA_MARK
        case 18: gateway = try Route.decodeVia(attribute)                          // RTA_VIA
        case 20: preference = try attribute.u8()                                   // RTA_PREF
        case 21: encapsulationType = try attribute.u16()                           // RTA_ENCAP_TYPE
        case 30: nexthopID = try attribute.u32()                                   // RTA_NH_ID
        case 12, 17, 23, 24, 26: break  // CACHEINFO, MFC_STATS, EXPIRES, PAD, TTL_PROPAGATE: state, not policy
        default: unknownAttributes.append(RawAttribute(type: attribute.type, bytes: Array(attribute.payload)))
        }
    }

    /// `RTA_METRICS`: nested `RTAX_*` attributes, each a u32 (`RTAX_CC_ALGO` is a string and is skipped).
    static func decodeMetrics(_ nested: NetlinkAttributes) throws -> [UInt16: UInt32] {
        var metrics: [UInt16: UInt32] = [:]
        try nested.forEach { attribute in
            if attribute.type != 16 /* RTAX_CC_ALGO */ { metrics[attribute.type] = try attribute.u32() }
        }
        return metrics
    }

    /// `RTA_VIA`: `struct rtvia`, a 16-bit address family followed by the address.
    static func decodeVia(_ attribute: NetlinkAttribute) throws -> IPAddress {
        let rawFamily = try attribute.payload.hostInteger(UInt16.self, path: attribute.path + ".rtvia_family")
        let bytes = attribute.payload.dropFirst(2)
        guard let family = IPFamily(addressFamily: UInt8(truncatingIfNeeded: rawFamily)), rawFamily <= 0xff,
              let address = IPAddress(networkBytes: bytes), address.family == family else {
            throw DecodeError(path: attribute.path, offset: 0,
                              reason: "via family \(rawFamily) with \(bytes.count) address bytes")
        }
        return address
    }
}

extension Nexthop {
    /// The size of `struct rtnexthop`.
    static let headerSize = 8

    /// `RTA_MULTIPATH`: a packed list of `struct rtnexthop`, each followed by its own attributes.
    static func decodeList(_ attribute: NetlinkAttribute, family: IPFamily) throws -> [Nexthop] {
        let bytes = attribute.payload
        var offset = bytes.startIndex
        var nexthops: [Nexthop] = []
        while bytes.endIndex - offset >= headerSize {
            let path = "\(attribute.path).nexthop[\(nexthops.count)]"
            let slice = bytes[offset...]
            let length = Int(try slice.hostInteger(UInt16.self, path: path + ".rtnh_len"))
            guard length >= headerSize, length <= slice.count else {
                throw DecodeError(path: path + ".rtnh_len", offset: offset - bytes.startIndex,
                                  reason: "length \(length) outside \(headerSize)...\(slice.count)")
            }
            var nexthop = Nexthop(interfaceIndex: try slice.hostInteger(Int32.self, at: 4, path: path + ".rtnh_ifindex"),
                                  weight: Int(try slice.hostInteger(UInt8.self, at: 3, path: path + ".rtnh_hops")) + 1,
                                  flags: RouteFlags(rawValue: UInt32(try slice.hostInteger(UInt8.self, at: 2, path: path))))
            let nested = NetlinkAttributes(bytes[(offset + headerSize)..<(offset + length)], path: path)
            try nexthop.decodeAttributes(nested, family: family)
            nexthops.append(nexthop)
            offset += Swift.min(netlinkAligned(length), slice.count)
        }
        if offset < bytes.endIndex {
            throw DecodeError(path: attribute.path, offset: offset - bytes.startIndex,
                              reason: "\(bytes.endIndex - offset) trailing bytes, too short for a nexthop")
        }
        return nexthops
    }

    private mutating func decodeAttributes(_ nested: NetlinkAttributes, family: IPFamily) throws {
        try nested.forEach { attribute in
            switch attribute.type {
            case 5: gateway = try attribute.address(of: family)          // RTA_GATEWAY
            case 11: realm = try attribute.u32()                         // RTA_FLOW
            case 18: gateway = try Route.decodeVia(attribute)            // RTA_VIA
            case 21: encapsulationType = try attribute.u16()             // RTA_ENCAP_TYPE
            default: break
            }
        }
    }
}
