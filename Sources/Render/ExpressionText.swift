import NFTables

/// nft text for expressions that are statements on their own (log, limit, reject, quota, …).
enum ExpressionText {
    static func text(_ expression: Expression, family: NFTFamily) -> String {
        switch expression {
        case .counter(let counter): return "counter packets \(counter.packets) bytes \(counter.bytes)"
        case .log(let log): return logText(log)
        case .limit(let limit): return limitText(limit)
        case .quota(let quota): return "quota " + quotaText(quota)
        case .connlimit(let connlimit): return "ct count \(connlimit.flags & 1 != 0 ? "over " : "")\(connlimit.count)"
        case .reject(let reject): return rejectText(reject, family: family, table: family)
        case .notrack: return "notrack"
        case .objref(let objref): return objectReference(objref)
        case .match(let xt): return "xt match \"\(xt.name)\""
        case .target(let xt): return "xt target \"\(xt.name)\""
        case .unknown(let name, let raw): return "# unknown expression \"\(name)\" (\(raw.count) bytes)"
        default: return "# \(expression)"
        }
    }

    /// `counter name "x"`, `ct helper set "x"`: a named object attached to the rule.
    static func objectReference(_ objref: Expression.Objref) -> String {
        let name = "\"\(objref.name ?? "")\""
        switch objref.type {
        case .ctHelper?: return "ct helper set \(name)"
        case .ctTimeout?: return "ct timeout set \(name)"
        case .ctExpect?: return "ct expectation set \(name)"
        case .secmark?: return "meta secmark set \(name)"
        case .connlimit?: return "ct count name \(name)"
        case let type?: return "\(type) name \(name)"
        case nil: return "object name \(name)"
        }
    }

    static func logText(_ log: Expression.Log) -> String {
        var text = "log"
        if let prefix = log.prefix { text += " prefix \"\(prefix)\"" }
        if let group = log.group { text += " group \(group)" }
        if let snaplen = log.snaplen, snaplen > 0 { text += " snaplen \(snaplen)" }
        if let threshold = log.queueThreshold, threshold > 0 { text += " queue-threshold \(threshold)" }
        if let level = log.level, level != 4 {
            let names = ["emerg", "alert", "crit", "err", "warn", "notice", "info", "debug", "audit"]
            text += " level \(names.element(Int(level)) ?? "\(level)")"
        }
        if let flags = log.flags, flags != 0 {
            // nft's log_stmt_print: `flags all`, else one `flags` group per kind (`flags tcp sequence,options`).
            if flags & 0x2f == 0x2f {
                text += " flags all"
            } else {
                let tcp = [(UInt32(1), "sequence"), (2, "options")].filter { flags & $0.0 != 0 }.map(\.1)
                if !tcp.isEmpty { text += " flags tcp " + tcp.joined(separator: ",") }
                if flags & 4 != 0 { text += " flags ip options" }
                if flags & 8 != 0 { text += " flags skuid" }
                if flags & 0x20 != 0 { text += " flags ether" }
            }
        }
        return text
    }

    static func limitText(_ limit: Expression.Limit) -> String {
        var text = "limit rate "
        if limit.flags & 1 != 0 { text += "over " }
        if limit.type == 0 {
            text += "\(limit.rate)/\(limit.unitName)"
            if limit.burst != 5 && limit.burst != 0 { text += " burst \(limit.burst) packets" }
        } else {
            let (value, unit) = byteUnit(limit.rate)
            text += "\(value) \(unit)/\(limit.unitName)"
            if limit.burst != 0 {
                let (burst, burstUnit) = byteUnit(UInt64(limit.burst))
                text += " burst \(burst) \(burstUnit)"
            }
        }
        return text
    }

    static func quotaText(_ quota: Expression.Quota) -> String {
        let (value, unit) = byteUnit(quota.bytes)
        var text = "\(quota.flags & 1 != 0 ? "over " : "")\(value) \(unit)"
        if quota.consumed > 0 {
            let (used, usedUnit) = byteUnit(quota.consumed)
            text += " used \(used) \(usedUnit)"
        }
        return text
    }

    /// nft's `nft_print_bytes`-style unit: the largest of bytes, kbytes, mbytes that divides exactly.
    static func byteUnit(_ bytes: UInt64) -> (UInt64, String) {
        var value = bytes
        var index = 0
        let units = ["bytes", "kbytes", "mbytes"]
        while index < 2, value >= 1024, value % 1024 == 0 {
            value /= 1024
            index += 1
        }
        return (value, units[index])
    }

    /// - Parameters:
    ///   - family: the network protocol the reject answers in (`ip6` after `meta nfproto ipv6` in inet).
    ///   - table: the table family: plain `reject` means port-unreachable in ip, icmpx in inet.
    static func rejectText(_ reject: Expression.Reject, family: NFTFamily, table: NFTFamily) -> String {
        switch reject.type {
        case 1: return "reject with tcp reset"
        case 2:
            let names = ["no-route", "port-unreachable", "host-unreachable", "admin-prohibited"]
            if reject.code == 1 { return "reject" }
            return "reject with icmpx \(names.element(Int(reject.code)) ?? "\(reject.code)")"
        default:
            if family == .ip6 {
                let names = [0: "no-route", 1: "admin-prohibited", 3: "addr-unreachable", 4: "port-unreachable",
                             5: "policy-fail", 6: "reject-route"]
                if reject.code == 4, table == .ip6 { return "reject" }
                return "reject with icmpv6 \(names[Int(reject.code)] ?? "\(reject.code)")"
            }
            let names = [0: "net-unreachable", 1: "host-unreachable", 2: "prot-unreachable", 3: "port-unreachable",
                         9: "net-prohibited", 10: "host-prohibited", 13: "admin-prohibited"]
            if reject.code == 3, family == .ip, table == .ip { return "reject" }
            return "reject with icmp \(names[Int(reject.code)] ?? "\(reject.code)")"
        }
    }
}
