import Netlink
import NFTables

extension IptablesDecoder {
    /// The rule of an `NFT_MSG_NEWRULE` message as `decode(_:)` would render it, read in place: for the
    /// shapes iptables-nft writes for nearly every rule (header and meta loads, an optional mask, equality
    /// compares, compat matches and targets, counters, verdicts) this skips the `Rule`, its `[Expression]`
    /// and the delinearized statements in between, which were most of a ruleset read's CPU time.
    ///
    /// `nil` means "take the general path": the message holds something else (another expression, a second
    /// register, a userdata comment, a construct iptables cannot print, a malformed attribute), and
    /// `decode(_:)` on the decoded `Rule` gives the answer, its note or the decode error. So this reader
    /// never needs to know every case, only to be exact on those it accepts; tests compare the two paths on
    /// every rule of the differential corpus.
    package func decode(_ message: RuleMessageBytes) -> IptablesDecoding? {
        var state = IptablesState()
        // One register is tracked, the last one written: iptables-nft loads, masks and compares in one
        // register, and a compare on any other falls back to the general path's full register file.
        var register: (slot: Int, loaded: Loaded)?
        var index = -1
        let complete = message.forEachExpression { expression in
            index += 1
            switch expression {
            case .payloadLoad(let base, let offset, let length, let destination):
                guard isWholeField(base, offset, length), let slot = destination.slot else { return false }
                register = (slot, Loaded(source: .payload(base: base, offset: offset, length: length),
                                         length: Int(length), mask: nil))
            case .metaLoad(let key, let destination):
                guard let slot = destination.slot, let length = Self.metaLength(key) else { return false }
                register = (slot, Loaded(source: .meta(key), length: length, mask: nil))
            case .maskXor(let source, let destination, let mask, let xor):
                guard let current = register, current.slot == source.slot, current.loaded.mask == nil,
                      let slot = destination.slot, message[xor].allSatisfy({ $0 == 0 }) else { return false }
                register = (slot, Loaded(source: current.loaded.source, length: current.loaded.length, mask: message[mask]))
            case .cmp(let source, let op, let value):
                guard let current = register, current.slot == source.slot, op == .eq || op == .neq,
                      value.count <= (current.loaded.length + 3) & ~3 else { return false }
                return compare(current.loaded.source, loaded: current.loaded.length, mask: current.loaded.mask,
                               inverted: op == .neq, value: message[value], state: &state)
            case .verdict(let code, let chain):
                return state.apply(Verdict(code: code, chain: chain.map { message[$0].nulTerminatedString }))
            case .counter:
                break
            case .match(let name, let revision, let info):
                let compat = CompatExtension(name: message[name].nulTerminatedString, revision: revision, info: Array(message[info]))
                return match(compat, index: index, state: &state) == nil
            case .target(let name, let revision, let info):
                let compat = CompatExtension(name: message[name].nulTerminatedString, revision: revision, info: Array(message[info]))
                return target(compat, index: index, state: &state) == nil
            case .other, .malformed:
                return false
            }
            return true
        }
        guard complete else { return nil }
        // A comment in userdata is printed only when no `-m comment` did: leave that to the general path.
        if !state.hasComment, let userdata = message.userdata, !userdata.isEmpty { return nil }
        return .rule(IptablesRule(arguments: state.arguments))
    }

    /// Whether a load is one header field iptables prints (or a prefix of an address): a longer load spanning
    /// fields (`-s` and `-d` merged into one 8-byte load) is split back by the general path.
    private func isWholeField(_ base: PayloadBase, _ offset: UInt32, _ length: UInt32) -> Bool {
        switch base {
        case .network:
            let (sourceOffset, destinationOffset, protoOffset, width): (UInt32, UInt32, UInt32, UInt32) =
                family == .ip6 ? (8, 24, 6, 16) : (12, 16, 9, 4)
            return (offset == protoOffset && length == 1)
                || ((offset == sourceOffset || offset == destinationOffset) && length >= 1 && length <= width)
        case .transport:
            return ((offset == 0 || offset == 2) && length == 2) || (offset == 13 && length == 1)
        default:
            return false
        }
    }

    /// What the tracked register holds: a header field or meta key, maybe masked.
    private struct Loaded {
        var source: Field.Source
        var length: Int
        var mask: ArraySlice<UInt8>?
    }

    /// The loaded length of the meta keys iptables-nft matches on (`Field.meta`'s lengths); `nil` for the
    /// others, which the general path names.
    private static func metaLength(_ key: MetaKey) -> Int? {
        switch key {
        case .iifname, .oifname: return 16
        case .l4proto: return 1
        case .mark: return 4
        default: return nil
        }
    }
}
