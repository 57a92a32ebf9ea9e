import NFTables

extension DataType {
    /// Formats register bytes as nft prints a constant of this type.
    public func format(_ bytes: [UInt8]) -> String {
        switch self {
        case .ipv4Address where bytes.count == 4: return bytes.map(String.init).joined(separator: ".")
        case .ipv6Address where bytes.count == 16: return ipv6Text(bytes)
        case .etherAddress, .lladdr: return bytes.map { hex2($0) }.joined(separator: ":")
        case .inetService: return "\(bigEndian(bytes))"
        case .inetProtocol: return protocolName(UInt8(truncatingIfNeeded: hostOrder(bytes)))
        case .mark: return "0x" + hex(hostOrder(bytes), width: 8)
        case .arphrd: return DataType.arphrdNames[Int(hostOrder(bytes))] ?? "\(hostOrder(bytes))"
        case .ifname, .string: return "\"" + cString(bytes) + "\""
        case .ctState: return flagNames(hostOrder(bytes), DataType.ctStateNames)
        case .ctStatus: return flagNames(hostOrder(bytes), DataType.ctStatusNames)
        case .ctDirection: return hostOrder(bytes) == 0 ? "original" : "reply"
        case .nfproto:
            let value = hostOrder(bytes)
            return value == 2 ? "ipv4" : value == 10 ? "ipv6" : "\(value)"
        case .etherType: return etherTypeName(UInt16(truncatingIfNeeded: bigEndian(bytes)))
        case .fibAddressType: return DataType.addressTypeNames[Int(hostOrder(bytes))] ?? "\(hostOrder(bytes))"
        case .pktType: return ["host", "broadcast", "multicast", "other"].element(Int(hostOrder(bytes))) ?? "\(hostOrder(bytes))"
        case .icmpType: return DataType.icmpTypeNames[Int(hostOrder(bytes))] ?? "\(hostOrder(bytes))"
        case .icmp6Type: return DataType.icmp6TypeNames[Int(hostOrder(bytes))] ?? "\(hostOrder(bytes))"
        case .tcpFlag: return flagNames(hostOrder(bytes), DataType.tcpFlagNames)
        case .boolean: return hostOrder(bytes) == 0 ? "missing" : "exists"
        case .verdict: return "verdict"
        case .uid, .gid: return "\(hostOrder(bytes))"
        case .hexInteger: return "0x" + (bytes.count > 8 ? bytes.map { hex2($0) }.joined() : String(bigEndian(bytes), radix: 16))
        case .networkInteger: return bytes.count > 8 ? "0x" + bytes.map { hex2($0) }.joined() : "\(bigEndian(bytes))"
        case .dscp: return DataType.dscpNames[Int(hostOrder(bytes))] ?? "0x" + hex(hostOrder(bytes), width: 2)
        default:
            if bytes.count > 8 { return "0x" + bytes.map { hex2($0) }.joined() }
            return "\(hostOrder(bytes))"
        }
    }

    static let dscpNames: [Int: String] = [0: "cs0", 8: "cs1", 16: "cs2", 24: "cs3", 32: "cs4", 40: "cs5", 48: "cs6",
                                           56: "cs7", 10: "af11", 12: "af12", 14: "af13", 18: "af21", 20: "af22",
                                           22: "af23", 26: "af31", 28: "af32", 30: "af33", 34: "af41", 36: "af42",
                                           38: "af43", 46: "ef", 44: "va", 1: "le"]
    /// nft's `arphrd_tbl`.
    static let arphrdNames: [Int: String] = [1: "ether", 512: "ppp", 768: "ipip", 769: "ipip6", 772: "loopback",
                                             776: "sit", 778: "ipgre"]
    static let ctStateNames: [(UInt64, String)] = [(1, "invalid"), (2, "established"), (4, "related"), (8, "new"), (64, "untracked")]
    static let ctStatusNames: [(UInt64, String)] = [(1, "expected"), (2, "seen-reply"), (4, "assured"), (8, "confirmed"),
                                                    (16, "snat"), (32, "dnat"), (512, "dying")]
    static let tcpFlagNames: [(UInt64, String)] = [(1, "fin"), (2, "syn"), (4, "rst"), (8, "psh"), (16, "ack"), (32, "urg"),
                                                   (64, "ecn"), (128, "cwr")]
    static let addressTypeNames: [Int: String] = [0: "unspec", 1: "unicast", 2: "local", 3: "broadcast", 4: "anycast",
                                                  5: "multicast", 6: "blackhole", 7: "unreachable", 8: "prohibit",
                                                  9: "throw", 10: "nat", 11: "xresolve"]
    static let icmpTypeNames: [Int: String] = [0: "echo-reply", 3: "destination-unreachable", 4: "source-quench",
                                               5: "redirect", 8: "echo-request", 9: "router-advertisement",
                                               10: "router-solicitation", 11: "time-exceeded", 12: "parameter-problem",
                                               13: "timestamp-request", 14: "timestamp-reply", 15: "info-request",
                                               16: "info-reply", 17: "address-mask-request", 18: "address-mask-reply"]
    static let icmp6TypeNames: [Int: String] = [1: "destination-unreachable", 2: "packet-too-big", 3: "time-exceeded",
                                                4: "parameter-problem", 128: "echo-request", 129: "echo-reply",
                                                130: "mld-listener-query", 131: "mld-listener-report",
                                                132: "mld-listener-done", 133: "nd-router-solicit",
                                                134: "nd-router-advert", 135: "nd-neighbor-solicit",
                                                136: "nd-neighbor-advert", 137: "nd-redirect"]
}

/// Bytes as a host-order (little-endian) integer, up to 8 bytes.
func hostOrder(_ bytes: some Collection<UInt8>) -> UInt64 {
    var value: UInt64 = 0
    for (index, byte) in bytes.prefix(8).enumerated() { value |= UInt64(byte) << (8 * index) }
    return value
}

/// Bytes as a network-order integer, up to 8 bytes.
func bigEndian(_ bytes: some Collection<UInt8>) -> UInt64 {
    bytes.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
}

func hex2(_ byte: UInt8) -> String { hex(UInt64(byte), width: 2) }

func hex(_ value: UInt64, width: Int) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}

func cString<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
    let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
    return String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self)
}

func flagNames(_ value: UInt64, _ names: [(UInt64, String)]) -> String {
    var parts: [String] = []
    var rest = value
    for (bit, name) in names where value & bit != 0 {
        parts.append(name)
        rest &= ~bit
    }
    if rest != 0 || parts.isEmpty { parts.append("0x" + String(rest, radix: 16)) }
    return parts.joined(separator: ",")
}

func ipv6Text(_ bytes: [UInt8]) -> String {
    var groups: [UInt16] = []
    for index in stride(from: 0, to: 16, by: 2) { groups.append(UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])) }
    // The longest run of two or more zero groups becomes "::" (RFC 5952).
    var bestStart = -1, bestLength = 0, start = -1
    for index in 0...8 {
        if index < 8, groups[index] == 0 {
            if start < 0 { start = index }
        } else if start >= 0 {
            if index - start > bestLength { bestStart = start; bestLength = index - start }
            start = -1
        }
    }
    if bestLength < 2 { return groups.map { String($0, radix: 16) }.joined(separator: ":") }
    let head = groups[0..<bestStart].map { String($0, radix: 16) }.joined(separator: ":")
    let tail = groups[(bestStart + bestLength)...].map { String($0, radix: 16) }.joined(separator: ":")
    return head + "::" + tail
}

func protocolName(_ number: UInt8) -> String {
    switch number {
    case 1: return "icmp"
    case 2: return "igmp"
    case 4: return "ipv4"
    case 6: return "tcp"
    case 17: return "udp"
    case 33: return "dccp"
    case 41: return "ipv6"
    case 47: return "gre"
    case 50: return "esp"
    case 51: return "ah"
    case 58: return "ipv6-icmp"
    case 132: return "sctp"
    case 136: return "udplite"
    default: return "\(number)"
    }
}

func etherTypeName(_ value: UInt16) -> String {
    switch value {
    case 0x0800: return "ip"
    case 0x86dd: return "ip6"
    case 0x0806: return "arp"
    case 0x8100: return "8021q"
    case 0x88a8: return "8021ad"
    default: return "0x" + hex(UInt64(value), width: 4)
    }
}

extension Array {
    func element(_ index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
