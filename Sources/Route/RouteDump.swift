import NetCore
import Netlink

/// The five rtnetlink dumps and how to ask for each.
///
/// The sockets set `NETLINK_GET_STRICT_CHK`, under which the kernel rejects a dump request whose family
/// header has anything but the family set (`ip_valid_fib_dump_req`, `fib_valid_dumprule_req`,
/// `neigh_valid_dump_req`, …), and treats a non-zero `rtm_table` as a filter. So every header is zero apart
/// from the family: with `rtm_table` = `RT_TABLE_UNSPEC` the route dump covers local, main, default and
/// custom tables alike.
enum RouteDump {
    case links, addresses, routes, rules, neighbours

    /// Links are family-independent (`AF_UNSPEC`); the others are dumped per IP family.
    func families(_ family: IPFamily?) -> [IPFamily?] {
        if self == .links { return [nil] }
        if let family { return [family] }
        return [.ipv4, .ipv6]
    }

    func request(family: IPFamily?) -> NetlinkRequest {
        let af = family?.addressFamily ?? 0
        switch self {
        case .links:
            var request = NetlinkRequest(type: RtnetlinkType.getLink, flags: .dump,
                                         familyHeader: [UInt8](repeating: 0, count: Link.familyHeaderSize))
            // IFLA_EXT_MASK = RTEXT_FILTER_SKIP_STATS: statistics are most of a link message and unused here.
            request.append(29, u32: 1 << 3)
            return request
        case .addresses:
            return NetlinkRequest(type: RtnetlinkType.getAddress, flags: .dump,
                                  familyHeader: RouteDump.header(af, size: InterfaceAddress.familyHeaderSize))
        case .routes:
            return NetlinkRequest(type: RtnetlinkType.getRoute, flags: .dump,
                                  familyHeader: RouteDump.header(af, size: Route.familyHeaderSize))
        case .rules:
            return NetlinkRequest(type: RtnetlinkType.getRule, flags: .dump,
                                  familyHeader: RouteDump.header(af, size: PolicyRule.familyHeaderSize))
        case .neighbours:
            return NetlinkRequest(type: RtnetlinkType.getNeighbour, flags: .dump,
                                  familyHeader: RouteDump.header(af, size: Neighbour.familyHeaderSize))
        }
    }

    func operation(_ family: IPFamily?) -> NetlinkOperation {
        let object: String
        switch self {
        case .links: object = "links"
        case .addresses: object = "addresses"
        case .routes: object = "routes"
        case .rules: object = "policy rules"
        case .neighbours: object = "neighbours"
        }
        guard let family else { return .dump(object) }
        return .dump("\(family) \(object)")
    }

    /// A family header of `size` zero bytes with the family in the first byte.
    private static func header(_ family: UInt8, size: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: size)
        bytes[0] = family
        return bytes
    }
}
