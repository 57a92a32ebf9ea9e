internal import CNFTNL
import Netlink
import Xtables

/// One nf_tables rule as libnftnl reads it: where it is and its compat (xt) expressions in order.
struct CompatRule: Sendable {
    var table: String
    var chain: String
    /// `(isTarget, extension)` for each `match`/`target` expression.
    var extensions: [(isTarget: Bool, ext: XtExtension)]
}

/// Reads rule messages with libnftnl, an oracle independent of nfscope's own attribute walker. Only messages
/// the kernel sent reach it (libnftnl exits on attributes it rejects).
enum XtablesRuleReader {
    /// `NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_GETRULE`.
    static let getRule: UInt16 = 10 << 8 | 7

    static func request(family: UInt8) -> NetlinkRequest {
        NetlinkRequest(type: getRule, flags: [], familyHeader: [family, 0, 0, 0])
    }

    static func rule(from message: NetlinkMessage) -> CompatRule? {
        let header = message.header
        var bytes: [UInt8] = []
        func put<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value) { bytes += $0 } }
        put(header.length); put(header.type); put(header.flags.rawValue); put(header.sequence); put(header.portID)
        bytes += message.payload
        return bytes.withUnsafeMutableBytes { raw -> CompatRule? in
            guard let base = raw.baseAddress, let rule = nftnl_rule_alloc() else { return nil }
            defer { nftnl_rule_free(rule) }
            guard parse(nftnl_rule_nlmsg_parse, base, rule) >= 0 else { return nil }
            var result = CompatRule(table: string(nftnl_rule_get_str(rule, UInt16(NFTNL_RULE_TABLE.rawValue))),
                                    chain: string(nftnl_rule_get_str(rule, UInt16(NFTNL_RULE_CHAIN.rawValue))),
                                    extensions: [])
            guard let iterator = nftnl_expr_iter_create(rule) else { return nil }
            defer { nftnl_expr_iter_destroy(iterator) }
            while let expression = nftnl_expr_iter_next(iterator) {
                switch string(nftnl_expr_get_str(expression, UInt16(NFTNL_EXPR_NAME))) {
                case "match":
                    result.extensions.append((false, compat(expression, name: UInt16(NFTNL_EXPR_MT_NAME),
                                                            revision: UInt16(NFTNL_EXPR_MT_REV),
                                                            info: UInt16(NFTNL_EXPR_MT_INFO))))
                case "target":
                    result.extensions.append((true, compat(expression, name: UInt16(NFTNL_EXPR_TG_NAME),
                                                           revision: UInt16(NFTNL_EXPR_TG_REV),
                                                           info: UInt16(NFTNL_EXPR_TG_INFO))))
                default:
                    continue
                }
            }
            return result
        }
    }

    private static func compat(_ expression: OpaquePointer, name: UInt16, revision: UInt16,
                               info: UInt16) -> XtExtension {
        var length: UInt32 = 0
        let pointer = nftnl_expr_get(expression, info, &length)
        let bytes = pointer.map { Array(UnsafeRawBufferPointer(start: $0, count: Int(length))) } ?? []
        return XtExtension(name: string(nftnl_expr_get_str(expression, name)),
                           revision: UInt8(truncatingIfNeeded: nftnl_expr_get_u32(expression, revision)), info: bytes)
    }

    /// Calls a `(const struct nlmsghdr *, obj *)` parser; the header type is inferred from the function, as
    /// this file cannot name `struct nlmsghdr` (it is owned by another clang module).
    private static func parse<Header>(_ parser: (UnsafePointer<Header>?, OpaquePointer?) -> Int32,
                                      _ base: UnsafeMutableRawPointer, _ object: OpaquePointer) -> Int32 {
        parser(UnsafePointer(base.assumingMemoryBound(to: Header.self)), object)
    }

    private static func string(_ pointer: UnsafePointer<CChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }
}
