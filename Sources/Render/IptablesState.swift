import NFTables

/// What `iptables_command_state` accumulates while a rule is parsed back: the fixed `-s -d -i -o -p`
/// part, the matches in order, and the target.
struct IptablesState {
    struct Match {
        var name: String
        var arguments: [String]
    }

    var source: (String, Bool)?
    var destination: (String, Bool)?
    var inInterface: (String, Bool)?
    var outInterface: (String, Bool)?
    var proto: (UInt8, Bool)?
    var matches: [Match] = []
    var target: [String] = []
    var hasComment = false

    /// The transport protocol name for `-m tcp`/`-m udp`, when `-p` said which.
    var transportName: String? {
        guard let (number, inverted) = proto, !inverted else { return nil }
        switch number {
        case 6: return "tcp"
        case 17: return "udp"
        case 132: return "sctp"
        case 33: return "dccp"
        default: return nil
        }
    }

    mutating func setProtocol(_ number: UInt8, inverted: Bool) { proto = (number, inverted) }

    /// The rule's nft comment (userdata), printed as a comment match.
    mutating func addComment(_ comment: String) {
        matches.append(Match(name: "comment", arguments: ["-m", "comment", "--comment", iptablesQuoted(comment)]))
    }

    /// `-j ACCEPT`/`DROP`/`RETURN`/`CHAIN` or `-g CHAIN`; false for a verdict iptables cannot express.
    mutating func apply(_ verdict: Verdict) -> Bool {
        switch verdict.code {
        case .accept: target = ["-j", "ACCEPT"]
        case .drop: target = ["-j", "DROP"]
        case .return: target = ["-j", "RETURN"]
        case .jump: target = ["-j", verdict.chain ?? ""]
        case .goto: target = ["-g", verdict.chain ?? ""]
        case .continue: break
        default: return false
        }
        return true
    }

    /// The options of the rule's one `-m tcp`/`-m udp` match, printed in libxt_tcp's fixed order
    /// (`--sport`, `--dport`, `--tcp-flags`) wherever they appeared in the bytecode. Fixed slots rather
    /// than a dictionary: most kube-proxy rules carry a port, so this runs for nearly every rule.
    private var sourcePort: (String, Bool)?
    private var destinationPort: (String, Bool)?
    private var tcpFlags: (String, Bool)?
    /// The name of the transport match once a port option placed it (`tcp`, `udp`).
    private var transportMatch: String?

    /// Adds a port option to the rule's one `-m tcp`/`-m udp` match (placed at its first option).
    mutating func addPort(_ name: String, option: String, value: String, inverted: Bool) {
        if transportMatch != name, !matches.contains(where: { $0.name == "@" + name }) {
            matches.append(Match(name: "@" + name, arguments: []))
        }
        transportMatch = name
        switch option {
        case "--sport": sourcePort = (value, inverted)
        case "--dport": destinationPort = (value, inverted)
        default: tcpFlags = (value, inverted)
        }
    }

    private func transportArguments(_ name: String, into result: inout [String]) {
        // Element by element: an array literal on the right of `+=` is one more allocation per rule.
        result.append("-m")
        result.append(name)
        func add(_ option: String, _ entry: (String, Bool)?) {
            guard let (value, inverted) = entry else { return }
            if inverted { result.append("!") }
            result.append(option)
            if option == "--tcp-flags" { result += value.split(separator: " ").map(String.init) } else { result.append(value) }
        }
        add("--sport", sourcePort)
        add("--dport", destinationPort)
        add("--tcp-flags", tcpFlags)
    }

    /// `-s -d -i -o -p`, matches, target, in iptables-save's order (`save_ipv4_addr`, `save_rule_details`).
    var arguments: [String] {
        var result: [String] = []
        result.reserveCapacity(24)
        func add(_ flag: String, _ value: (String, Bool)?) {
            guard let (text, inverted) = value else { return }
            if inverted { result.append("!") }
            result.append(flag)
            result.append(text)
        }
        add("-s", source)
        add("-d", destination)
        add("-i", inInterface)
        add("-o", outInterface)
        if let (number, inverted) = proto {
            if inverted { result.append("!") }
            result.append("-p")
            result.append(protocolName(number))
        }
        for match in matches {
            if match.name.hasPrefix("@") {
                transportArguments(String(match.name.dropFirst()), into: &result)
            } else {
                result += match.arguments
            }
        }
        result += target
        return result
    }
}
