import NFTables

/// Header fields narrower than a byte, which nft loads as a byte (or two) and masks: `ip version`,
/// `ip dscp`, `ip6 dscp`. A masked load of one of them prints as the field, the constant shifted down.
enum HeaderBitFields {
    struct Entry {
        var protocolName: String
        var offset: UInt32
        var length: UInt32
        var mask: UInt64
        var name: String
        var shift: Int
        var type: DataType
    }

    static let entries: [Entry] = [
        Entry(protocolName: "ip", offset: 0, length: 1, mask: 0xf0, name: "version", shift: 4, type: .integer),
        Entry(protocolName: "ip", offset: 0, length: 1, mask: 0x0f, name: "hdrlength", shift: 0, type: .integer),
        Entry(protocolName: "ip", offset: 1, length: 1, mask: 0xfc, name: "dscp", shift: 2, type: .dscp),
        Entry(protocolName: "ip", offset: 1, length: 1, mask: 0x03, name: "ecn", shift: 0, type: .integer),
        Entry(protocolName: "ip6", offset: 0, length: 1, mask: 0xf0, name: "version", shift: 4, type: .integer),
        Entry(protocolName: "ip6", offset: 0, length: 2, mask: 0x0fc0, name: "dscp", shift: 6, type: .dscp),
    ]

    /// `ip dscp cs1` for `(payload nh+1 & 0xfc) == 0x20`.
    static func text(_ field: Field, mask: [UInt8], value: [UInt8], op: String) -> String? {
        guard case .payload(.network, let offset, let length) = field.source else { return nil }
        let maskValue = bigEndian(mask)
        let protocolName = field.protocolName == "@nh" ? "ip" : field.protocolName
        guard let entry = entries.first(where: {
            $0.protocolName == protocolName && $0.offset == offset && $0.length == length && $0.mask == maskValue
        }) else { return nil }
        let shifted = bigEndian(value) >> entry.shift
        let bytes = [UInt8(truncatingIfNeeded: shifted)]
        return "\(entry.protocolName) \(entry.name) \(op)\(entry.type.format(bytes))"
    }
}

/// Names of TCP options and IPv6 extension header fields for `exthdr` (`tcp option maxseg size`).
enum ExtensionHeaderNames {
    static let tcpOptions: [UInt8: (String, [(UInt32, UInt32, String)])] = [
        0: ("eol", []), 1: ("nop", []),
        2: ("maxseg", [(1, 1, "length"), (2, 2, "size")]),
        3: ("window", [(1, 1, "length"), (2, 1, "count")]),
        4: ("sack-perm", [(1, 1, "length")]),
        5: ("sack", [(1, 1, "length"), (2, 4, "left"), (6, 4, "right")]),
        8: ("timestamp", [(1, 1, "length"), (2, 4, "tsval"), (6, 4, "tsecr")]),
    ]
    static let ipv6Headers: [UInt8: (String, [(UInt32, UInt32, String)])] = [
        0: ("hbh", [(0, 1, "nexthdr"), (1, 1, "hdrlength")]),
        43: ("rt", [(0, 1, "nexthdr"), (1, 1, "hdrlength"), (2, 1, "type"), (3, 1, "seg-left")]),
        44: ("frag", [(0, 1, "nexthdr"), (1, 1, "reserved"), (4, 4, "id")]),
        60: ("dst", [(0, 1, "nexthdr"), (1, 1, "hdrlength")]),
        135: ("mh", [(0, 1, "nexthdr"), (1, 1, "hdrlength"), (2, 1, "type")]),
    ]

    /// `tcp option maxseg size`, `exthdr frag id`, or nft's raw `tcp option @2,16,16`.
    static func text(_ exthdr: Expression.Exthdr) -> String {
        let present = exthdr.flags & 1 != 0
        switch exthdr.op {
        case 1:
            guard let (name, fields) = tcpOptions[exthdr.type] else { break }
            if present { return "tcp option \(name)" }
            if let field = fields.first(where: { $0.0 == exthdr.offset && $0.1 == exthdr.length }) {
                return "tcp option \(name) \(field.2)"
            }
        case 0:
            guard let (name, fields) = ipv6Headers[exthdr.type] else { break }
            if present { return "exthdr \(name)" }
            if let field = fields.first(where: { $0.0 == exthdr.offset && $0.1 == exthdr.length }) {
                return "\(name) \(field.2)"
            }
        default: break
        }
        let prefix = exthdr.op == 1 ? "tcp option" : exthdr.op == 2 ? "ip option" : "exthdr"
        return "\(prefix) @\(exthdr.type),\(exthdr.offset * 8),\(exthdr.length * 8)"
    }
}
