import NFTables

/// nft text for a set's `typeof` expression (`ip saddr . tcp dport`, `iifname`, `ct original ip saddr`), as
/// nft 1.0.6 prints it, with the datatypes and byte lengths of its parts; nil for anything this table does
/// not name, so the caller falls back to the `type` line.
struct TypeofText {
    /// One part of the expression: its text, the datatype its values print in, its length in bytes.
    struct Part {
        var text: String
        var type: DataType
        var bytes: Int
    }

    var parts: [Part]

    var text: String { parts.map(\.text).joined(separator: " . ") }

    /// The length nft derives from the expression (`set_udata_key_valid`): one part's bytes, or each part of a
    /// concatenation padded to a 32-bit register.
    var byteLength: Int {
        parts.count == 1 ? parts[0].bytes : parts.reduce(0) { $0 + ($1.bytes + 3) / 4 * 4 }
    }

    init?(_ expression: SetTypeof, family: NFTFamily) {
        if case .concatenation(let list) = expression {
            var parts: [Part] = []
            for item in list {
                guard let part = TypeofText.part(item, family: family) else { return nil }
                parts.append(part)
            }
            self.parts = parts
        } else {
            guard let part = TypeofText.part(expression, family: family) else { return nil }
            self.parts = [part]
        }
    }

    static func part(_ expression: SetTypeof, family: NFTFamily) -> Part? {
        switch expression {
        case .payload(let proto, let index, let bits, let raw):
            if let raw {
                // nft's `enum proto_bases`: 1 link, 2 network, 3 transport, 4 inner. Raw loads print in hex.
                guard let base = ["ll", "nh", "th", "ih"].element(Int(raw.base) - 1), raw.length > 0 else { return nil }
                return Part(text: "@\(base),\(raw.offset),\(raw.length)", type: .hexInteger, bytes: Int((raw.length + 7) / 8))
            }
            guard let header = headers[proto], let entry = header.fields[index] else { return nil }
            let length = bits.map { Int(($0 + 7) / 8) } ?? (entry.bits + 7) / 8
            return Part(text: "\(header.name) \(entry.name)", type: entry.type, bytes: length)
        case .meta(let key):
            guard let bytes = metaBytes[key] else { return nil }
            let field = Field.meta(MetaKey(rawValue: key))
            return Part(text: field.text, type: field.type, bytes: bytes)
        case .ct(let key, let direction):
            guard let bytes = ctBytes(key, family: family) else { return nil }
            let field = Field.ct(CtKey(rawValue: key), direction: direction, family: family)
            return Part(text: field.text, type: field.type, bytes: bytes)
        case .verdict:
            return Part(text: "verdict", type: .verdict, bytes: 16)
        case .concatenation, .other:
            return nil
        }
    }

    typealias Entry = (name: String, type: DataType, bits: Int)

    /// nft's protocol descriptions by `enum proto_desc_id`, each with its header templates by index
    /// (`enum ip_hdr_fields` and friends in nft 1.0.6's proto.h; index 0 is the invalid template).
    static let headers: [UInt32: (name: String, fields: [UInt32: Entry])] = [
        1: ("ah", [1: ("nexthdr", .inetProtocol, 8), 2: ("hdrlength", .integer, 8), 3: ("reserved", .networkInteger, 16),
                   4: ("spi", .networkInteger, 32), 5: ("sequence", .networkInteger, 32)]),
        2: ("esp", [1: ("spi", .networkInteger, 32), 2: ("sequence", .networkInteger, 32)]),
        3: ("comp", [1: ("nexthdr", .inetProtocol, 8), 2: ("flags", .bitmask, 8), 3: ("cpi", .networkInteger, 16)]),
        4: ("icmp", [1: ("type", .icmpType, 8), 2: ("code", .icmpCode, 8), 3: ("checksum", .networkInteger, 16),
                     4: ("id", .networkInteger, 16), 5: ("sequence", .networkInteger, 16), 6: ("gateway", .networkInteger, 32),
                     7: ("mtu", .networkInteger, 16)]),
        6: ("udp", [1: ("sport", .inetService, 16), 2: ("dport", .inetService, 16), 3: ("length", .networkInteger, 16),
                    4: ("checksum", .networkInteger, 16)]),
        7: ("udplite", [1: ("sport", .inetService, 16), 2: ("dport", .inetService, 16), 3: ("csumcov", .networkInteger, 16),
                        4: ("checksum", .networkInteger, 16)]),
        8: ("tcp", [1: ("sport", .inetService, 16), 2: ("dport", .inetService, 16), 3: ("sequence", .networkInteger, 32),
                    4: ("ackseq", .networkInteger, 32), 7: ("flags", .tcpFlag, 8), 8: ("window", .networkInteger, 16),
                    9: ("checksum", .networkInteger, 16), 10: ("urgptr", .networkInteger, 16)]),
        9: ("dccp", [1: ("sport", .inetService, 16), 2: ("dport", .inetService, 16)]),
        10: ("sctp", [1: ("sport", .inetService, 16), 2: ("dport", .inetService, 16), 3: ("vtag", .networkInteger, 32),
                      4: ("checksum", .networkInteger, 32)]),
        11: ("th", [1: ("sport", .inetService, 16), 2: ("dport", .inetService, 16)]),
        12: ("ip", [3: ("dscp", .dscp, 6), 5: ("length", .networkInteger, 16), 6: ("id", .networkInteger, 16),
                    7: ("frag-off", .networkInteger, 16), 8: ("ttl", .integer, 8), 9: ("protocol", .inetProtocol, 8),
                    10: ("checksum", .networkInteger, 16), 11: ("saddr", .ipv4Address, 32), 12: ("daddr", .ipv4Address, 32)]),
        13: ("ip6", [4: ("flowlabel", .networkInteger, 20), 5: ("length", .networkInteger, 16), 6: ("nexthdr", .inetProtocol, 8),
                     7: ("hoplimit", .integer, 8), 8: ("saddr", .ipv6Address, 128), 9: ("daddr", .ipv6Address, 128)]),
        14: ("icmpv6", [1: ("type", .icmp6Type, 8), 2: ("code", .integer, 8), 3: ("checksum", .networkInteger, 16),
                        6: ("id", .networkInteger, 16), 7: ("sequence", .networkInteger, 16)]),
        16: ("vlan", [1: ("pcp", .integer, 3), 4: ("id", .networkInteger, 12), 5: ("type", .etherType, 16)]),
        17: ("ether", [1: ("daddr", .etherAddress, 48), 2: ("saddr", .etherAddress, 48), 3: ("type", .etherType, 16)]),
    ]

    /// Byte lengths of nft 1.0.6's meta templates, by `NFT_META_*` key.
    static let metaBytes: [UInt32: Int] = [
        0: 4, 1: 2, 2: 4, 3: 4, 4: 4, 5: 4, 6: 16, 7: 16, 8: 2, 9: 2, 10: 4, 11: 4, 12: 1, 13: 4, 14: 4, 15: 1, 16: 1,
        17: 16, 18: 16, 19: 1, 20: 4, 21: 4, 22: 4, 23: 4, 24: 4, 25: 1, 26: 16, 27: 16, 28: 2, 29: 2, 30: 8, 31: 1,
        32: 4, 33: 4, 34: 16,
    ]

    /// Byte lengths of nft 1.0.6's ct templates, by `NFT_CT_*` key (addresses follow the family when unqualified).
    static func ctBytes(_ key: UInt32, family: NFTFamily) -> Int? {
        switch key {
        case 0, 2, 3, 4, 5, 18, 19, 20, 23: return 4
        case 1, 7, 10: return 1
        case 6, 13, 21, 22: return 16
        case 8, 9: return family == .ip6 ? 16 : 4
        case 11, 12, 17: return 2
        case 14, 15, 16: return 8
        default: return nil
        }
    }
}
