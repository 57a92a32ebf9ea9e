import NFTables

/// A rule rebuilt in iptables terms: the arguments `iptables-save` prints after `-A CHAIN`.
public struct IptablesRule: Hashable, Sendable {
    /// `-s`, `-d`, `-i`, `-o`, `-p` first, then matches in rule order, then the target:
    /// `["-s", "10.0.0.0/8", "-p", "tcp", "-m", "tcp", "--dport", "80", "-j", "ACCEPT"]`.
    public var arguments: [String]

    public init(arguments: [String]) { self.arguments = arguments }

    /// The arguments joined as `iptables-save` prints them.
    public var text: String { arguments.joined(separator: " ") }
}

/// The result of reading a rule back as iptables: a rule, or why it has no iptables form (and which
/// expression), in which case renderers fall back to nft syntax.
public enum IptablesDecoding: Hashable, Sendable {
    case rule(IptablesRule)
    case unrepresentable(reason: String, expressionIndex: Int)
}

/// iptables' quoting of free text (`xtables_save_string`): double quotes, with `"` and `\` escaped.
func iptablesQuoted(_ text: String) -> String {
    var result = "\""
    for character in text {
        if character == "\"" || character == "\\" { result.append("\\") }
        result.append(character)
    }
    return result + "\""
}
