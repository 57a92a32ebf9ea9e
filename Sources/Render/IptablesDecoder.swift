import NetCore
import NFTables
import Xtables

/// Rebuilds iptables rules from the expressions iptables-nft writes, as `iptables-nft-save` does
/// (`nft-ruleparse.c`, `nft-ipv4.c`, `nft-ipv6.c`): addresses, interfaces and protocol from payload and meta
/// loads, `-m tcp`/`-m udp`/`-m mark`/`-m limit` from native expressions, compat matches and targets through
/// the `Xtables` decoders. Anything else is `.unrepresentable`, never an error.
public struct IptablesDecoder: Sendable {
    public var family: NFTFamily
    /// Names ipsets by index for `-m set` / `-j SET` (their blobs hold indices); `<ipset#N>` without it.
    /// Sendable: the parallel read renders rules on several threads, so the resolver must be thread-safe.
    public var ipsetName: (@Sendable (UInt16) -> String?)?

    public init(family: NFTFamily, ipsetName: (@Sendable (UInt16) -> String?)? = nil) {
        self.family = family
        self.ipsetName = ipsetName
    }

    /// The names of the ipsets an extension refers to.
    private func ipsetNames(_ indices: [UInt16]) -> [UInt16: String] {
        guard let ipsetName else { return [:] }
        var names: [UInt16: String] = [:]
        for index in indices { names[index] = ipsetName(index) }
        return names
    }

    var ipFamily: IPFamily { family == .ip6 ? .ipv6 : .ipv4 }

    public func decode(_ rule: Rule) -> IptablesDecoding {
        var state = IptablesState()
        let delinearizer = Delinearizer(family: family) { _ in nil }
        for (statement, index) in delinearizer.indexedStatements(rule.expressions, removingDependencies: false) {
            if case .unrepresentable(let reason, let at)? = apply(statement, to: &state) {
                return .unrepresentable(reason: reason, expressionIndex: at >= 0 ? at : index)
            }
        }
        // The userdata comment only when no `-m comment` printed it: parsing it costs a string a rule.
        if !state.hasComment, let comment = rule.comment { state.addComment(comment) }
        return .rule(IptablesRule(arguments: state.arguments))
    }

    private func apply(_ statement: Statement, to state: inout IptablesState) -> IptablesDecoding? {
        switch statement {
        case .match(let lhs, let op, let value):
            return match(lhs, op: op, value: value, state: &state)
        case .range(let lhs, let op, let from, let to):
            guard let field = lhs.field, case .payload(.transport, let offset, 2) = field.source,
                  let name = state.transportName, offset == 0 || offset == 2 else {
                return unrepresentable("range on \(describe(lhs))", statement)
            }
            let text = "\(bigEndian(from)):\(bigEndian(to))"
            state.addPort(name, option: offset == 0 ? "--sport" : "--dport", value: text, inverted: op == .neq)
        case .verdict(let verdict):
            guard state.apply(verdict) else { return unrepresentable("verdict \(verdict)", statement) }
        case .counter: break
        case .plain(let expression, let index):
            return plain(expression, index: index, state: &state)
        case .undecodable(let reason, let index):
            return .unrepresentable(reason: reason, expressionIndex: index)
        default:
            return unrepresentable(Self.describe(statement), statement)
        }
        return nil
    }

    /// Why a statement has no iptables form, in a few words.
    static func describe(_ statement: Statement) -> String {
        switch statement {
        case .lookup(_, let set, _): return "set lookup @\(set)"
        case .verdictMap(_, let set): return "verdict map @\(set)"
        case .assign(let target, _): return "\(target.text) set"
        case .nat(let nat, _, _, _, _): return "native \(nat.isSource ? "snat" : "dnat")"
        case .masquerade: return "native masquerade"
        case .redirect: return "native redirect"
        case .setUpdate(let dynset, _, _): return "dynamic set @\(dynset.set)"
        case .queue: return "native queue"
        case .tproxy: return "native tproxy"
        case .objectMap: return "object map"
        case .reject: return "native reject"
        default: return "no iptables form"
        }
    }

    private func plain(_ expression: Expression, index: Int, state: inout IptablesState) -> IptablesDecoding? {
        switch expression {
        case .match(let compat): return match(compat, index: index, state: &state)
        case .target(let compat): return target(compat, index: index, state: &state)
        case .limit(let limit) where limit.type == 0 && limit.flags == 0:
            var arguments = ["-m", "limit", "--limit", "\(limit.rate)/\(limitUnit(limit.unit))"]
            if limit.burst != 5 { arguments += ["--limit-burst", "\(limit.burst)"] }
            state.matches.append(.init(name: "limit", arguments: arguments))
        case .log(let log) where log.group != nil:
            var arguments = ["-j", "NFLOG"]
            if let prefix = log.prefix, !prefix.isEmpty { arguments += ["--nflog-prefix", iptablesQuoted(prefix)] }
            if let group = log.group, group != 0 { arguments += ["--nflog-group", "\(group)"] }
            if let snaplen = log.snaplen, snaplen != 0 { arguments += ["--nflog-size", "\(snaplen)"] }
            if let threshold = log.queueThreshold, threshold > 1 { arguments += ["--nflog-threshold", "\(threshold)"] }
            state.target = arguments
        default:
            return .unrepresentable(reason: "\(expression.name) has no iptables form", expressionIndex: index)
        }
        return nil
    }

    /// A compat match through the `Xtables` decoders (shared with the message reader).
    func match(_ compat: CompatExtension, index: Int, state: inout IptablesState) -> IptablesDecoding? {
        let ext = XtExtension(name: compat.name, revision: compat.revision, info: compat.info)
        do {
            let match = try XtMatch.decode(ext, family: ipFamily)
            if case .raw = match, let arguments = CompatTransport.arguments(compat) {
                state.matches.append(.init(name: compat.name, arguments: arguments))
                return nil
            }
            if case .comment = match { state.hasComment = true }
            var indices: [UInt16] = []
            if case .set(let info) = match { indices = [info.index] }
            state.matches.append(.init(name: compat.name,
                                       arguments: match.iptablesArguments(family: ipFamily, ipsetNames: ipsetNames(indices))))
        } catch {
            return .unrepresentable(reason: "xt match \(compat.name): \(error)", expressionIndex: index)
        }
        return nil
    }

    /// A compat target through the `Xtables` decoders (shared with the message reader).
    func target(_ compat: CompatExtension, index: Int, state: inout IptablesState) -> IptablesDecoding? {
        let ext = XtExtension(name: compat.name, revision: compat.revision, info: compat.info)
        do {
            let target = try XtTarget.decode(ext, family: ipFamily)
            var indices: [UInt16] = []
            if case .set(let info) = target { indices = [info.add, info.delete, info.map].compactMap { $0?.index } }
            state.target = target.iptablesArguments(family: ipFamily, ipsetNames: ipsetNames(indices))
        } catch {
            return .unrepresentable(reason: "xt target \(compat.name): \(error)", expressionIndex: index)
        }
        return nil
    }

    private func match(_ lhs: Operand, op: CmpOp, value: [UInt8], state: inout IptablesState) -> IptablesDecoding? {
        guard op == .eq || op == .neq else { return unrepresentable("cmp \(op) on \(describe(lhs))", nil) }
        var mask: ArraySlice<UInt8>?
        var base = lhs
        if case .masked(let inner, let bits, let xor) = lhs, xor.allSatisfy({ $0 == 0 }) {
            mask = bits[...]
            base = inner
        }
        guard case .field(let field, let loaded) = base,
              compare(field.source, loaded: loaded, mask: mask, inverted: op == .neq, value: value[...], state: &state) else {
            return unrepresentable("cmp on \(describe(lhs))", nil)
        }
        return nil
    }

    /// An equality (or, `inverted`, inequality) on what `source` loaded (`loaded` bytes of it), masked by
    /// `mask` when a bitwise came first, added to `state` as `-s`/`-d`/`-i`/`-o`/`-p`, `-m mark` or a port of
    /// `-m tcp`/`-m udp`; false when iptables has no form for it. Shared by both readers of a rule.
    func compare(_ source: Field.Source, loaded: Int, mask: ArraySlice<UInt8>?, inverted: Bool,
                 value: ArraySlice<UInt8>, state: inout IptablesState) -> Bool {
        switch source {
        case .payload(.network, let offset, _):
            let (sourceOffset, destinationOffset, protoOffset): (UInt32, UInt32, UInt32) = family == .ip6 ? (8, 24, 6) : (12, 16, 9)
            if offset == protoOffset, mask == nil, value.count == 1 {
                state.setProtocol(value[value.startIndex], inverted: inverted)
                return true
            }
            guard offset == sourceOffset || offset == destinationOffset else { return false }
            let prefix = mask.flatMap { OperandText.prefixLength($0) } ?? loaded * 8
            let address = IptablesAddressText.text(value, family: family) + "/\(prefix)"
            if offset == sourceOffset { state.source = (address, inverted) } else { state.destination = (address, inverted) }
            return true
        case .meta(.iifname), .meta(.oifname):
            guard mask == nil else { return false }
            var name = cString(value)
            if !value.contains(0) { name += "+" }
            if case .meta(.iifname) = source { state.inInterface = (name, inverted) } else { state.outInterface = (name, inverted) }
            return true
        case .meta(.l4proto):
            guard mask == nil, value.count == 1 else { return false }
            state.setProtocol(value[value.startIndex], inverted: inverted)
            return true
        case .meta(.mark):
            let markValue = UInt32(truncatingIfNeeded: hostOrder(value))
            var text = "0x" + String(markValue, radix: 16)
            if let mask { text += "/0x" + String(UInt32(truncatingIfNeeded: hostOrder(mask)), radix: 16) }
            state.matches.append(.init(name: "mark", arguments: ["-m", "mark"] + (inverted ? ["!"] : []) + ["--mark", text]))
            return true
        case .payload(.transport, let offset, let length):
            guard let name = state.transportName else { return false }
            if offset == 13, length == 1, let mask, let bits = mask.first, name == "tcp" {
                state.addPort(name, option: "--tcp-flags", value: "\(tcpFlags(bits)) \(tcpFlags(value.first ?? 0))", inverted: inverted)
                return true
            }
            guard mask == nil else { return false }
            if offset == 0, length == 4, value.count >= 4, !inverted {
                let start = value.startIndex
                state.addPort(name, option: "--sport", value: "\(bigEndian(value[start..<(start + 2)]))", inverted: false)
                state.addPort(name, option: "--dport", value: "\(bigEndian(value[(start + 2)..<(start + 4)]))", inverted: false)
                return true
            }
            if (offset == 0 || offset == 2), length == 2 {
                state.addPort(name, option: offset == 0 ? "--sport" : "--dport", value: "\(bigEndian(value))", inverted: inverted)
                return true
            }
            return false
        default:
            return false
        }
    }

    private func tcpFlags(_ bits: UInt8) -> String {
        if bits & 0x3f == 0x3f { return "ALL" }
        if bits == 0 { return "NONE" }
        let names: [(UInt8, String)] = [(1, "FIN"), (2, "SYN"), (4, "RST"), (8, "PSH"), (16, "ACK"), (32, "URG")]
        return names.filter { bits & $0.0 != 0 }.map(\.1).joined(separator: ",")
    }

    private func limitUnit(_ seconds: UInt64) -> String {
        switch seconds {
        case 1: return "sec"
        case 60: return "min"
        case 3600: return "hour"
        case 86400: return "day"
        default: return "\(seconds)s"
        }
    }

    private func describe(_ operand: Operand) -> String { OperandText.text(operand, family: family) }

    private func unrepresentable(_ reason: String, _ statement: Statement?) -> IptablesDecoding {
        .unrepresentable(reason: reason, expressionIndex: -1)
    }
}
