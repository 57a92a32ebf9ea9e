import NetCore
import NFTables
import Xtables

/// Lowers rules into ``CompiledOp`` sequences: loads into registers are tracked at compile time, so each
/// `cmp`/`range` becomes one test on a header or meta window (mask folded in). Anything beyond this subset
/// (set lookups, ct/fib/numgen expressions, register arithmetic, unknown matches) marks the rule for the
/// interpreter; the count of such rules is reported.
struct RuleLowering {
    /// What a register holds at this point of the rule.
    private enum Held {
        /// The mask is `window.length` bytes, big-endian (so a prefix of the window is a right shift).
        case window(FieldWindow, mask: Wide)
        case constant([UInt8])

        var words: Int {
            switch self {
            case .window(let window, _): return (Int(window.length) + 3) / 4
            case .constant(let bytes): return max(1, (bytes.count + 3) / 4)
            }
        }
    }

    /// Stores into a register slot, forgetting whatever the store overwrites (values spanning several slots).
    private static func store(_ value: Held, at slot: Int, in held: inout [Held?]) {
        guard slot >= 0, slot < held.count else { return }
        let end = slot + value.words
        for start in 0..<held.count {
            if let old = held[start], start < end, slot < start + old.words { held[start] = nil }
        }
        held[slot] = value
    }

    let chainIDs: [RulesetIndex.ChainKey: Int32]
    /// Chain ids by name within the table of the last jump, so most jump targets hash only a name.
    private var tableChains: (family: NFTFamily, table: String, ids: [String: Int32])? = nil
    /// Whether `addrtype` can be answered from compiled routes (IPv4, default policy rules).
    let addressTypes: Bool
    var labels: [String] = []
    /// Label index by probability bits: kube-proxy repeats a few probabilities over thousands of rules.
    private var labelIndex: [UInt64: Int32] = [:]
    /// What each 32-bit register slot holds; kept across rules (reset per rule) so a rule allocates nothing here.
    private var held = [Held?](repeating: nil, count: 16)

    init(chainIDs: [RulesetIndex.ChainKey: Int32], addressTypes: Bool) {
        self.chainIDs = chainIDs
        self.addressTypes = addressTypes
    }

    /// A mask of `length` bytes, all ones.
    private static func fullMask(_ length: Int) -> Wide {
        length >= 16 ? Wide(hi: .max, lo: .max)
            : length > 8 ? Wide(hi: (1 << UInt64(8 * (length - 8))) - 1, lo: .max)
            : Wide(hi: 0, lo: length == 8 ? .max : (1 << UInt64(8 * length)) - 1)
    }

    /// The first `count` bytes of a `length`-byte big-endian value.
    private static func prefix(_ value: Wide, _ count: Int, of length: Int) -> Wide {
        let bits = 8 * (length - count)
        if bits <= 0 { return value }
        if bits >= 128 { return .zero }
        if bits >= 64 { return Wide(hi: 0, lo: value.hi >> UInt64(bits - 64)) }
        return Wide(hi: value.hi >> UInt64(bits), lo: value.lo >> UInt64(bits) | value.hi << UInt64(64 - bits))
    }

    /// Lowers a rule, appending its ops to `out`; the action, or nil when the rule needs the interpreter
    /// (then `out` may hold some of its ops: the caller truncates).
    mutating func lower(_ rule: Rule, into out: inout [CompiledOp]) -> CompiledAction? {
        for slot in 0..<held.count { held[slot] = nil }
        let family: IPFamily? = rule.family == .ip ? .ipv4 : rule.family == .ip6 ? .ipv6 : nil
        for expression in rule.expressions {
            switch expression {
            case .payload(let p):
                guard case .load(let register) = p.operation, let slot = register.slot,
                      p.base == .network || p.base == .transport, p.length >= 1, p.length <= 16, p.offset < 64
                else { return nil }
                let source: FieldSource = p.base == .network ? .network : .transport
                Self.store(.window(FieldWindow(source: source, offset: UInt8(p.offset), length: UInt8(p.length)),
                                   mask: Self.fullMask(Int(p.length))), at: slot, in: &held)
            case .meta(let m):
                guard case .load(let register) = m.operation, let slot = register.slot else { return nil }
                let window: FieldWindow
                switch m.key {
                case .l4proto: window = FieldWindow(source: .l4proto, offset: 0, length: 1)
                case .nfproto: window = FieldWindow(source: .nfproto, offset: 0, length: 1)
                case .mark: window = FieldWindow(source: .mark, offset: 0, length: 4)
                case .iifname: window = FieldWindow(source: .iifname, offset: 0, length: 16)
                case .oifname: window = FieldWindow(source: .oifname, offset: 0, length: 16)
                case .protocol: window = FieldWindow(source: .protocolType, offset: 0, length: 2)
                default: return nil
                }
                Self.store(.window(window, mask: Self.fullMask(Int(window.length))), at: slot, in: &held)
            case .bitwise(let b):
                guard case .maskXor(let mask, let xor) = b.operation, xor.allSatisfy({ $0 == 0 }),
                      let from = b.source.slot, let to = b.destination.slot,
                      from < 16, case .window(let window, let old)? = held[from], Int(b.length) == Int(window.length)
                else { return nil }
                // The mask's bytes beyond its end count as zero, as in the interpreter.
                var bytes = Wide.zero
                for index in 0..<Int(window.length) { bytes.shiftIn(index < mask.count ? mask[index] : 0) }
                Self.store(.window(window, mask: old & bytes), at: to, in: &held)
            case .cmp(let c):
                guard let slot = c.source.slot, slot < 16, case .window(let window, let mask)? = held[slot],
                      !c.data.isEmpty, c.data.count <= Int(window.length) else { return nil }
                let op: TestOp
                switch c.op {
                case .eq: op = .eq
                case .neq: op = .neq
                case .lt: op = .lt
                case .lte: op = .lte
                case .gt: op = .gt
                case .gte: op = .gte
                default: return nil
                }
                let length = c.data.count
                out.append(.test(FieldWindow(source: window.source, offset: window.offset, length: UInt8(length)),
                                 mask: Self.prefix(mask, length, of: Int(window.length)), op: op, value: Wide(c.data),
                                 upper: .zero))
            case .range(let r):
                guard let slot = r.source.slot, slot < 16, case .window(let window, let mask)? = held[slot],
                      !r.from.isEmpty, r.from.count == r.to.count, r.from.count <= Int(window.length) else { return nil }
                let length = r.from.count
                out.append(.test(FieldWindow(source: window.source, offset: window.offset, length: UInt8(length)),
                                 mask: Self.prefix(mask, length, of: Int(window.length)), op: r.op == .neq ? .outOfRange : .inRange,
                                 value: Wide(r.from), upper: Wide(r.to)))
            case .immediate(let i):
                switch i.data {
                case .verdict(let verdict):
                    guard let action = action(verdict, rule) else { return nil }
                    if case .fallThrough = action { continue }
                    return action
                case .value(let bytes):
                    guard let slot = i.destination.slot else { return nil }
                    Self.store(.constant(bytes), at: slot, in: &held)
                }
            case .counter, .log, .quota, .objref, .connlimit, .dynset:
                continue  // bookkeeping only, as the interpreter treats it
            case .nat(let n):
                let width = n.family == 10 ? 16 : 4
                func constant(_ register: Register?) -> [UInt8]?? {
                    guard let register else { return .some(nil) }
                    guard let slot = register.slot, slot < 16, case .constant(let bytes)? = held[slot] else { return nil }
                    return .some(bytes)
                }
                guard let addressMin = constant(n.addressMin), let addressMax = constant(n.addressMax),
                      let protoMin = constant(n.protoMin) else { return nil }
                if let low = addressMin, let high = addressMax, low != high { return nil }  // a range warns
                let address = addressMin.flatMap { $0.count >= width ? IPAddress(networkBytes: Array($0.prefix(width))) : nil }
                if addressMin != nil && address == nil { return nil }
                let port = protoMin.flatMap { $0.count >= 2 ? UInt16($0[0]) << 8 | UInt16($0[1]) : nil }
                return .nat(NatAction(kind: n.isSource ? .snat : .dnat, address: address, port: port))
            case .masq(let m):
                guard m.protoMin == nil else { return nil }
                return .nat(NatAction(kind: .masquerade))
            case .redir(let r):
                guard r.protoMin == nil else { return nil }
                return .nat(NatAction(kind: .redirect))
            case .match(let m):
                guard let family, let op = match(m, family: family) else { return nil }
                if case .fallThroughMarker = op { continue }
                out.append(op.op!)
            case .target(let t):
                guard let family else { return nil }
                switch target(t, family: family) {
                case .none: return nil
                case .some(.op(let op)): out.append(op)
                case .some(.end(let action)): return action
                case .some(.skip): continue
                }
            default:
                return nil
            }
        }
        return .fallThrough
    }

    private mutating func action(_ verdict: Verdict, _ rule: Rule) -> CompiledAction? {
        switch verdict.code {
        case .continue: return .fallThrough
        case .accept: return .accept
        case .drop: return .drop
        case .stolen, .queue: return .unfollowable(verdict.code)
        case .return: return .return
        case .jump, .goto:
            guard let target = verdict.chain else { return .missingTarget }
            if tableChains?.family != rule.family || tableChains?.table != rule.table {
                var ids: [String: Int32] = [:]
                for (key, id) in chainIDs where key.family == rule.family && key.table == rule.table { ids[key.chain] = id }
                tableChains = (rule.family, rule.table, ids)
            }
            guard let id = tableChains?.ids[target] else { return .missingTarget }
            return verdict.code == .jump ? .jump(id) : .goto(id)
        default: return nil
        }
    }

    private enum MatchLowering {
        case fallThroughMarker
        case some(CompiledOp)
        var op: CompiledOp? { if case .some(let op) = self { return op }; return nil }
    }

    private mutating func match(_ m: CompatExtension, family: IPFamily) -> MatchLowering? {
        if m.name == "tcp" || m.name == "udp" {
            let info = m.info, tcp = m.name == "tcp"
            guard info.count >= (tcp ? 12 : 10) else { return nil }
            if tcp && info[8] != 0 { return nil }  // --tcp-option
            func u16(_ at: Int) -> UInt16 { UInt16(info[at]) | UInt16(info[at + 1]) << 8 }
            return .some(.ports(tcp: tcp, source: u16(0)...max(u16(0), u16(2)), destination: u16(4)...max(u16(4), u16(6)),
                                flagMask: tcp ? info[9] : 0, flagCompare: tcp ? info[10] : 0, invert: info[tcp ? 11 : 8]))
        }
        // kube-proxy comments every rule: skip decoding the text (XtMatch.decode's checks, without the string).
        if m.name == "comment" { return m.revision == 0 && m.info.count >= 256 ? .fallThroughMarker : nil }
        let ext = XtExtension(name: m.name, revision: m.revision, info: m.info)
        guard let decoded = try? XtMatch.decode(ext, family: family) else { return nil }
        switch decoded {
        case .comment:
            return .fallThroughMarker
        case .statistic(let statistic):
            let p: Double
            switch statistic.mode {
            case .random: p = statistic.probability ?? 0
            case .nth(let every, _): p = 1.0 / Double(every + 1)
            case .unknown: return nil
            }
            let matchProbability = statistic.inverted ? 1 - p : p
            if let label = labelIndex[matchProbability.bitPattern] {
                return .some(.choice(probability: matchProbability, label: label))
            }
            labels.append("statistic matches (p=\(format2(matchProbability)))")
            labelIndex[matchProbability.bitPattern] = Int32(labels.count - 1)
            return .some(.choice(probability: matchProbability, label: Int32(labels.count - 1)))
        case .state(let state):
            guard state.stateMask <= UInt32(UInt16.max) else { return nil }
            return .some(.ctState(mask: UInt16(state.stateMask), inverted: false))
        case .conntrack(let conntrack):
            guard conntrack.matchFields == [.state] || conntrack.matchFields.isEmpty else { return nil }
            if conntrack.matchFields.isEmpty { return .fallThroughMarker }
            return .some(.ctState(mask: conntrack.stateMask, inverted: conntrack.invertFields.contains(.state)))
        case .addrtype(let addrtype):
            guard addressTypes, family == .ipv4, addrtype.source == 0, addrtype.destination == 1 << 2, !addrtype.limitInterfaceIn,
                  !addrtype.limitInterfaceOut else { return nil }
            return .some(.destinationLocal(inverted: addrtype.invertDestination))
        default:
            return nil
        }
    }

    private enum TargetLowering {
        case op(CompiledOp)
        case end(CompiledAction)
        case skip
    }

    private func target(_ t: CompatExtension, family: IPFamily) -> TargetLowering? {
        let ext = XtExtension(name: t.name, revision: t.revision, info: t.info)
        guard let target = try? XtTarget.decode(ext, family: family) else { return nil }
        func nat(_ kind: NatAction.Kind, _ range: XtNatRange) -> TargetLowering {
            .end(.nat(NatAction(kind: kind, address: range.flags.contains(.mapIPs) ? range.minAddress : nil,
                                port: range.flags.contains(.protoSpecified) ? range.minPort : nil)))
        }
        switch target {
        case .dnat(let range): return nat(.dnat, range)
        case .snat(let range): return nat(.snat, range)
        case .masquerade(let range): return nat(.masquerade, range)
        case .redirect(let range): return nat(.redirect, range)
        case .reject(let reject):
            switch (family, reject.code) {
            case (.ipv4, 7), (.ipv6, 6): return .end(.reject(.tcpReset))
            case (.ipv4, 3), (.ipv4, 2), (.ipv6, 4): return .end(.reject(.icmpPortUnreachable))
            default: return .end(.reject(.icmpUnreachable(reject.name ?? "code \(reject.code)")))
            }
        case .mark(let mark):
            switch mark {
            case .setXMark(let value, let mask): return .op(.mark(and: ~mask, or: 0, xor: value))
            case .set(let value): return .op(.mark(and: 0, or: 0, xor: UInt32(truncatingIfNeeded: value)))
            case .and(let value): return .op(.mark(and: UInt32(truncatingIfNeeded: value), or: 0, xor: 0))
            case .or(let value): return .op(.mark(and: .max, or: UInt32(truncatingIfNeeded: value), xor: 0))
            case .unknownMode: return .op(.mark(and: .max, or: 0, xor: 0))
            }
        default:
            switch t.name {
            case "LOG", "NFLOG", "CHECKSUM", "TCPMSS", "CONNMARK", "CT", "TRACE", "AUDIT", "CLASSIFY", "DSCP", "TOS":
                return .skip
            case "ACCEPT": return .end(.accept)
            case "DROP": return .end(.drop)
            default: return nil  // the interpreter warns about it
            }
        }
    }
}
