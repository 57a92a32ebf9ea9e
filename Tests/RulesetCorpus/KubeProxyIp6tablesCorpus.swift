/// The kube-proxy iptables-mode ruleset of `KubeProxyIptablesCorpus` for an IPv6 cluster (as
/// `ip6tables-restore` input): the same chains and rules, every IPv4 address `a.b.c.d` mapped to
/// `fd00:a:b:c::d` (prefix lengths plus 96), DNAT targets bracketed, `recent` masks all ones, REJECT with
/// `icmp6-port-unreachable`. Groups such as `fd00:10:0:0::5` exercise the address compression of the
/// renderings (`fd00:10::5`).
public enum KubeProxyIp6tablesCorpus {
    public static func generate(services count: Int) -> String {
        KubeProxyIptablesCorpus.generate(services: count)
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { rewrite(String($0)) }
            .joined(separator: "\n")
    }

    /// One line of the IPv4 ruleset for IPv6. Comments are kept as they are (they may quote IPv4 text).
    static func rewrite(_ line: String) -> String {
        guard line.hasPrefix("-A ") else { return line }
        var words: [String] = []
        var inQuote = false
        for word in line.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
            let quotes = word.filter { $0 == "\"" }.count
            defer { if quotes % 2 == 1 { inQuote.toggle() } }
            if inQuote || word.hasPrefix("\"") {
                words.append(word)
                continue
            }
            switch (words.last, word) {
            case ("--mask", _): words.append("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")
            case (_, "icmp-port-unreachable"): words.append("icmp6-port-unreachable")
            case ("--to-destination", _):
                let parts = word.split(separator: ":")
                words.append(parts.count == 2 ? "[\(address(String(parts[0])))]:\(parts[1])" : word)
            default: words.append(mapped(word) ?? word)
            }
        }
        return words.joined(separator: " ")
    }

    /// `a.b.c.d` or `a.b.c.d/len` as IPv6, or nil for any other word.
    static func mapped(_ word: String) -> String? {
        let pieces = word.split(separator: "/")
        guard let first = pieces.first, isIPv4(first) else { return nil }
        if pieces.count == 2, let length = Int(pieces[1]) { return "\(address(String(first)))/\(length + 96)" }
        return pieces.count == 1 ? address(String(first)) : nil
    }

    static func address(_ ipv4: String) -> String {
        let octets = ipv4.split(separator: ".")
        guard octets.count == 4 else { return ipv4 }
        return "fd00:\(octets[0]):\(octets[1]):\(octets[2])::\(octets[3])"
    }

    static func isIPv4<S: StringProtocol>(_ text: S) -> Bool {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { Int($0).map { (0...255).contains($0) } ?? false }
    }
}
