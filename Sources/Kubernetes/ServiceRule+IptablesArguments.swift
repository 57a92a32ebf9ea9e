import NetCore

extension ServiceRule {
    /// Reads one `KUBE-SERVICES` / `KUBE-EXTERNAL-SERVICES` rule from its iptables-save arguments (what
    /// comes after `-A CHAIN`), as the iptables-nft decoder and the iptables-legacy reader both produce them:
    /// `-d 10.43.0.10/32 -p tcp -m comment --comment "demo/web:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-…`.
    ///
    /// `nil` for rules that capture no single address and port (the node-ports jump, `! -d` matches, a
    /// prefix wider than one host, a port range): they name no service port.
    public init?(iptablesArguments arguments: [String]) {
        var destination: IPAddress?
        var proto: TransportProtocol?
        var port: UInt16?
        var comment: String?
        var target: String?
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let value = index + 1 < arguments.count ? arguments[index + 1] : nil
            switch argument {
            case "!":
                return nil  // an inverted match never names one service address
            case "-d":
                guard let value, let address = ServiceRule.hostAddress(value) else { return nil }
                destination = address
            case "-p":
                guard let value, let parsed = TransportProtocol(rawValue: value) else { return nil }
                proto = parsed
            case "--dport":
                guard let value, let parsed = UInt16(value) else { return nil }
                port = parsed
            case "--comment":
                comment = value.map(ServiceRule.unquoted)
            case "-j", "-g":
                target = value
            default:
                index += 1
                continue
            }
            index += 2
        }
        guard let destination, let proto, let port, let target else { return nil }
        self.init(comment: comment, destination: destination, proto: proto, port: port, target: target)
    }

    /// `10.43.0.10/32` or `10.43.0.10` (a single host); `nil` for a wider prefix.
    static func hostAddress(_ text: String) -> IPAddress? {
        guard let slash = text.firstIndex(of: "/") else { return IPAddress(text) }
        guard let address = IPAddress(String(text[..<slash])),
              let length = Int(text[text.index(after: slash)...]),
              length == (address.family == .ipv4 ? 32 : 128) else { return nil }
        return address
    }

    /// iptables-save quotes a comment with spaces (`"ns/web:http cluster IP"`) and escapes `"` and `\`.
    static func unquoted(_ text: String) -> String {
        guard text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") else { return text }
        var result = ""
        var escaped = false
        for character in text.dropFirst().dropLast() {
            if !escaped && character == "\\" { escaped = true; continue }
            escaped = false
            result.append(character)
        }
        return result
    }
}
