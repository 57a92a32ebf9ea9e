import Netlink
import NFTables

/// Builds nf_tables message payloads by hand, attribute by attribute, for objects this kernel cannot
/// produce (flowtables, the queue expression) and for malformed input. Layouts follow
/// `<linux/netfilter/nf_tables.h>`: integers big-endian, strings NUL-terminated, nests flagged.
struct MessageBuilder {
    var request: NetlinkRequest

    init(family: NFTFamily) {
        request = NetlinkRequest(type: 0, flags: [], familyHeader: [family.rawValue, 0, 0, 0])
    }

    var payload: [UInt8] { request.body }

    mutating func string(_ type: UInt16, _ value: String) { request.append(type, string: value) }
    mutating func u32(_ type: UInt16, _ value: UInt32) { request.append(type, u32BigEndian: value) }
    mutating func u16(_ type: UInt16, _ value: UInt16) { request.append(type, bytes: [UInt8(value >> 8), UInt8(value & 0xff)]) }
    mutating func u64(_ type: UInt16, _ value: UInt64) {
        request.append(type, bytes: (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) })
    }
    mutating func bytes(_ type: UInt16, _ value: [UInt8]) { request.append(type, bytes: value) }
    mutating func nest(_ type: UInt16, _ body: (inout MessageBuilder) -> Void) {
        request.beginNest(type)
        body(&self)
        request.endNest()
    }

    /// One `NFTA_LIST_ELEM` holding an expression (`NFTA_EXPR_NAME`, `NFTA_EXPR_DATA`).
    mutating func expression(_ name: String, _ data: (inout MessageBuilder) -> Void) {
        nest(1) { element in
            element.string(1, name)
            element.nest(2, data)
        }
    }

    /// A rule message payload in table `t`, chain `c`, with the given expressions.
    static func rule(family: NFTFamily = .ip, handle: UInt64 = 2, _ expressions: (inout MessageBuilder) -> Void) -> [UInt8] {
        var builder = MessageBuilder(family: family)
        builder.string(1, "t")
        builder.string(2, "c")
        builder.u64(3, handle)
        builder.nest(4, expressions)
        return builder.payload
    }
}
