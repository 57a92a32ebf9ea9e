import NFTables

/// How nft prints a value: nftables' datatypes (`TYPE_*` in `datatype.h`), numbered as in
/// `NFTA_SET_KEY_TYPE`.
public struct DataType: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let invalid = DataType(rawValue: 0)
    public static let verdict = DataType(rawValue: 1)
    public static let nfproto = DataType(rawValue: 2)
    public static let bitmask = DataType(rawValue: 3)
    public static let integer = DataType(rawValue: 4)
    public static let string = DataType(rawValue: 5)
    public static let lladdr = DataType(rawValue: 6)
    public static let ipv4Address = DataType(rawValue: 7)
    public static let ipv6Address = DataType(rawValue: 8)
    public static let etherAddress = DataType(rawValue: 9)
    public static let etherType = DataType(rawValue: 10)
    public static let inetProtocol = DataType(rawValue: 12)
    public static let inetService = DataType(rawValue: 13)
    public static let icmpType = DataType(rawValue: 14)
    public static let tcpFlag = DataType(rawValue: 15)
    public static let mark = DataType(rawValue: 19)
    /// A device's hardware type (`ARPHRD_*`, `meta iiftype`): nft's `iface_type`.
    public static let arphrd = DataType(rawValue: 21)
    public static let ifindex = DataType(rawValue: 20)
    public static let uid = DataType(rawValue: 24)
    public static let gid = DataType(rawValue: 25)
    public static let ctState = DataType(rawValue: 26)
    public static let ctDirection = DataType(rawValue: 27)
    public static let ctStatus = DataType(rawValue: 28)
    public static let icmp6Type = DataType(rawValue: 29)
    public static let ctLabel = DataType(rawValue: 30)
    public static let pktType = DataType(rawValue: 31)
    public static let icmpCode = DataType(rawValue: 32)
    public static let fibAddressType = DataType(rawValue: 38)
    public static let boolean = DataType(rawValue: 39)
    public static let ifname = DataType(rawValue: 41)
    /// nft's `dscp` (`TYPE_DSCP`).
    public static let dscp = DataType(rawValue: 36)
    /// An integer in network byte order: header fields such as `ip length`, `udp length`, TCP options.
    /// Printed as nft's `integer`; the raw value has the byte-order bit, which no kernel type id uses.
    public static let networkInteger = DataType(rawValue: 0x1000_0004)
    /// A raw payload load's value (`@nh,16,16`): nft's `xinteger`, network order, printed in hex.
    public static let hexInteger = DataType(rawValue: 0x2000_0004)

    /// The name nft uses in `type ...` lines of sets.
    public var name: String {
        switch self {
        case .verdict: return "verdict"
        case .nfproto: return "nf_proto"
        case .bitmask: return "bitmask"
        case .integer, .networkInteger, .hexInteger: return "integer"
        case .dscp: return "dscp"
        case .string: return "string"
        case .lladdr: return "ll_addr"
        case .ipv4Address: return "ipv4_addr"
        case .ipv6Address: return "ipv6_addr"
        case .etherAddress: return "ether_addr"
        case .etherType: return "ether_type"
        case .inetProtocol: return "inet_proto"
        case .inetService: return "inet_service"
        case .icmpType: return "icmp_type"
        case .tcpFlag: return "tcp_flag"
        case .mark: return "mark"
        case .arphrd: return "iface_type"
        case .ifindex: return "iface_index"
        case .uid: return "uid"
        case .gid: return "gid"
        case .ctState: return "ct_state"
        case .ctDirection: return "ct_dir"
        case .ctStatus: return "ct_status"
        case .icmp6Type: return "icmpv6_type"
        case .ctLabel: return "ct_label"
        case .pktType: return "pkt_type"
        case .icmpCode: return "icmp_code"
        case .fibAddressType: return "fib_addrtype"
        case .boolean: return "boolean"
        case .ifname: return "ifname"
        default: return "type\(rawValue)"
        }
    }

    /// Whether values of this type are in network byte order in registers.
    var isBigEndian: Bool {
        switch self {
        case .ipv4Address, .ipv6Address, .etherAddress, .etherType, .inetService, .lladdr, .networkInteger, .hexInteger:
            return true
        default: return false
        }
    }

    /// The fields of a concatenated set key type (6 bits per field, first field highest).
    public static func concatenation(_ raw: UInt32) -> [DataType] {
        guard raw > 63 else { return [DataType(rawValue: raw)] }
        var fields: [DataType] = []
        var value = raw
        while value != 0 {
            fields.insert(DataType(rawValue: value & 63), at: 0)
            value >>= 6
        }
        return fields
    }

    /// The byte length of a value of this type in a register, when fixed.
    var fixedLength: Int? {
        switch self {
        case .ipv4Address, .mark, .uid, .gid, .ctState, .ctStatus, .ifindex, .fibAddressType: return 4
        case .ipv6Address, .ifname, .ctLabel: return 16
        case .etherAddress: return 6
        case .etherType, .inetService, .arphrd: return 2
        case .inetProtocol, .nfproto, .icmpType, .icmp6Type, .icmpCode, .tcpFlag, .pktType, .ctDirection, .boolean: return 1
        default: return nil
        }
    }
}
