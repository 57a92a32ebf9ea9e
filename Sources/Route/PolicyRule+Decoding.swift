import NetCore
import Netlink

extension PolicyRule {
    /// The size of `struct fib_rule_hdr`.
    static let familyHeaderSize = 12

    /// Decodes an `RTM_NEWRULE` message of family `AF_INET` or `AF_INET6`; selectors nfscope does not
    /// model land in ``unknownAttributes``.
    public init(decoding message: NetlinkMessage) throws {
        let rt = try RtnetlinkMessage(message, expecting: RtnetlinkType.newRule,
                                      familyHeaderSize: PolicyRule.familyHeaderSize, path: "rule")
        let family = try rt.ipFamily("family")
        let destinationLength = try rt.u8(at: 1, "dst_len")
        let sourceLength = try rt.u8(at: 2, "src_len")
        var rule = PolicyRule(family: family, table: RouteTable(rawValue: UInt32(try rt.u8(at: 4, "table"))),
                              action: RuleAction(rawValue: try rt.u8(at: 7, "action")),
                              tos: try rt.u8(at: 3, "tos"), flags: RuleFlags(rawValue: try rt.u32(at: 8, "flags")))
        try rt.attributes.forEach { attribute in
            switch attribute.type {
            case 1: rule.destination = try attribute.prefix(of: family, length: destinationLength)  // FRA_DST
            case 2: rule.source = try attribute.prefix(of: family, length: sourceLength)            // FRA_SRC
            default: try rule.decodeAttribute(attribute)
            }
        }
        self = rule
    }

    private mutating func decodeAttribute(_ attribute: NetlinkAttribute) throws {
        switch attribute.type {
        case 3: inputInterface = attribute.string                                 // FRA_IIFNAME
        case 4: gotoTarget = try attribute.u32()                                  // FRA_GOTO
        case 6: priority = try attribute.u32()                                    // FRA_PRIORITY
        case 10: fwmark = try attribute.u32()                                     // FRA_FWMARK
        case 11: realm = try attribute.u32()                                      // FRA_FLOW
        case 12: tunnelID = try attribute.u64BigEndian()                          // FRA_TUN_ID
        case 13: suppressInterfaceGroup = PolicyRule.unlessUnset(try attribute.u32()) // FRA_SUPPRESS_IFGROUP
        case 14: suppressPrefixLength = PolicyRule.unlessUnset(try attribute.u32()).map { Int($0) } // FRA_SUPPRESS_PREFIXLEN
        case 15: table = RouteTable(rawValue: try attribute.u32())                // FRA_TABLE
        case 16: fwmask = try attribute.u32()                                     // FRA_FWMASK
        case 17: outputInterface = attribute.string                               // FRA_OIFNAME
        case 18: break                                                            // FRA_PAD
        case 19: l3mdev = try attribute.u8() != 0                                 // FRA_L3MDEV
        case 20: uidRange = try PolicyRule.range(attribute, UInt32.self)          // FRA_UID_RANGE
        case 21: `protocol` = RouteProtocol(rawValue: try attribute.u8())         // FRA_PROTOCOL
        case 22: ipProtocol = try attribute.u8()                                  // FRA_IP_PROTO
        case 23: sourcePorts = try PolicyRule.range(attribute, UInt16.self)       // FRA_SPORT_RANGE
        case 24: destinationPorts = try PolicyRule.range(attribute, UInt16.self)  // FRA_DPORT_RANGE
        default: unknownAttributes.append(RawAttribute(type: attribute.type, bytes: Array(attribute.payload)))
        }
    }

    /// The kernel always sends the suppress attributes and uses -1 (all ones) for "not set".
    private static func unlessUnset(_ value: UInt32) -> UInt32? { value == .max ? nil : value }

    /// `struct fib_rule_uid_range` / `struct fib_rule_port_range`: start and end in host order.
    private static func range<T: FixedWidthInteger>(_ attribute: NetlinkAttribute, _: T.Type) throws -> ClosedRange<T> {
        let start = try attribute.payload.hostInteger(T.self, path: attribute.path + ".start")
        let end = try attribute.payload.hostInteger(T.self, at: MemoryLayout<T>.size, path: attribute.path + ".end")
        guard start <= end else {
            throw DecodeError(path: attribute.path, offset: 0, reason: "range start \(start) after end \(end)")
        }
        return start...end
    }
}
