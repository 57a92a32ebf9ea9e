import NetCore

extension XtConntrack {
    /// The `XT_CONNTRACK_STATE_*` names in the order libxt_conntrack `print_state` walks them.
    static let stateNames: [(UInt16, String)] = [(1, "INVALID"), (8, "NEW"), (4, "RELATED"), (2, "ESTABLISHED"),
                                                (256, "UNTRACKED"), (64, "SNAT"), (128, "DNAT")]
    /// The `IPS_*` names libxt_conntrack `print_status` knows.
    static let statusNames: [(UInt16, String)] = [(1, "EXPECTED"), (2, "SEEN_REPLY"), (4, "ASSURED"),
                                                 (8, "CONFIRMED")]

    static func states(_ mask: UInt16) -> String {
        var text = ""
        for (bit, name) in stateNames where mask & bit != 0 {
            if !text.isEmpty { text += "," }
            text += name
        }
        return text
    }

    /// libxt_conntrack `conntrack_dump(info, "--", family, numeric: true, v3)`, the save path of revisions 1-3.
    var arguments: [String] {
        var out: [String] = []
        out.reserveCapacity(4)
        func flagged(_ field: Fields, _ body: () -> [String]) {
            guard matchFields.contains(field) else { return }
            if invertFields.contains(field) { out.append("!") }
            out.append(contentsOf: body())
        }
        // print_state writes " " before the first name, so an empty mask leaves the option without a value.
        flagged(.state) { [isStateAlias ? "--state" : "--ctstate"] + Self.optionalWord(Self.states(stateMask)) }
        flagged(.proto) { ["--ctproto", String(l4proto)] }
        flagged(.originalSource) { ["--ctorigsrc", Self.addressText(originalSource)] }
        flagged(.originalDestination) { ["--ctorigdst", Self.addressText(originalDestination)] }
        flagged(.replySource) { ["--ctreplsrc", Self.addressText(replySource)] }
        flagged(.replyDestination) { ["--ctrepldst", Self.addressText(replyDestination)] }
        flagged(.originalSourcePort) { ["--ctorigsrcport", Self.portText(originalSourcePort)] }
        flagged(.originalDestinationPort) { ["--ctorigdstport", Self.portText(originalDestinationPort)] }
        flagged(.replySourcePort) { ["--ctreplsrcport", Self.portText(replySourcePort)] }
        flagged(.replyDestinationPort) { ["--ctrepldstport", Self.portText(replyDestinationPort)] }
        flagged(.status) {
            let names = Self.statusNames.filter { statusMask & $0.0 != 0 }.map(\.1)
            return ["--ctstatus", statusMask == 0 ? "NONE" : names.joined(separator: ",")]
        }
        flagged(.expires) {
            ["--ctexpire", expiresMin == expiresMax ? String(expiresMin) : "\(expiresMin):\(expiresMax)"]
        }
        if matchFields.contains(.direction) {
            // The direction is stored as its inversion: inverted means REPLY, and no `!` is printed.
            out += ["--ctdir", invertFields.contains(.direction) ? "REPLY" : "ORIGINAL"]
        }
        return out
    }

    static func optionalWord(_ word: String) -> [String] { word.isEmpty ? [] : [word] }

    static func addressText(_ criterion: Address) -> String {
        XtFormat.address(criterion.address) + XtFormat.maskSuffix(criterion.mask)
    }

    static func portText(_ ports: Ports) -> String {
        ports.high == 0 || ports.low == ports.high ? String(ports.low) : "\(ports.low):\(ports.high)"
    }
}

/// The `state` match revision 0: `struct xt_state_info { unsigned int statemask; }` (linux/netfilter/xt_state.h).
///
/// iptables 1.8 writes `-m state` as conntrack with the state alias, but older rule sets and
/// iptables-legacy still carry this one.
public struct XtState: Hashable, Sendable {
    /// `XT_STATE_*` bits: INVALID 1, ESTABLISHED 2, RELATED 4, NEW 8, UNTRACKED 64.
    public var stateMask: UInt32

    /// Creates a state match from its mask.
    public init(stateMask: UInt32) { self.stateMask = stateMask }

    static func decode(_ blob: XtBlob) throws(DecodeError) -> XtState {
        try blob.require(4, "xt_state_info")
        return XtState(stateMask: try blob.u32(0))
    }

    /// libxt_conntrack `state_save`: `--state` then the names (the value is empty when no bit is known).
    var arguments: [String] {
        let names: [(UInt32, String)] = [(1, "INVALID"), (8, "NEW"), (4, "RELATED"), (2, "ESTABLISHED"),
                                         (64, "UNTRACKED")]
        return ["--state", names.filter { stateMask & $0.0 != 0 }.map(\.1).joined(separator: ",")]
    }
}
