import NetCore

extension Target {
    /// Reads what a user types: `pod:NAMESPACE/NAME`, `svc:NAMESPACE/NAME[:PORT]` (also `service:`), `node`,
    /// `IP:PORT` (IPv6 in brackets), `netns:NAME|PATH`, `pid:PID`.
    public init(parsing text: String) throws(KubernetesError) {
        func invalid(_ reason: String) -> KubernetesError {
            KubernetesError(kind: .invalidTarget(reason: reason), target: text)
        }
        if text == "node" { self = .node; return }
        guard let colon = text.firstIndex(of: ":") else {
            throw invalid("no kind prefix and no port")
        }
        let kind = String(text[..<colon])
        let rest = String(text[text.index(after: colon)...])
        switch kind {
        case "pod":
            let (namespace, name) = try Target.namespacedName(rest, invalid: invalid)
            self = .pod(namespace: namespace, name: name)
        case "svc", "service":
            var reference = rest
            var port: ServicePortSelector?
            if let portColon = rest.lastIndex(of: ":") {
                reference = String(rest[..<portColon])
                let portText = String(rest[rest.index(after: portColon)...])
                guard !portText.isEmpty else { throw invalid("empty service port") }
                if let number = UInt16(portText) {
                    guard number > 0 else { throw invalid("port 0") }
                    port = .number(number)
                } else {
                    guard Target.isDNSLabel(portText) else { throw invalid("port \"\(portText)\" is neither a number nor a port name") }
                    port = .name(portText)
                }
            }
            let (namespace, name) = try Target.namespacedName(reference, invalid: invalid)
            self = .service(namespace: namespace, name: name, port: port)
        case "netns":
            guard !rest.isEmpty else { throw invalid("empty namespace name") }
            self = .netns(rest)
        case "pid":
            guard let pid = Int32(rest), pid > 0 else { throw invalid("\"\(rest)\" is not a process id") }
            self = .pid(pid)
        default:
            self = try Target.address(text, invalid: invalid)
        }
    }

    /// `10.0.0.1:80` or `[fd00::1]:80`.
    private static func address(_ text: String, invalid: (String) -> KubernetesError) throws(KubernetesError) -> Target {
        let host: Substring, portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw invalid("an IPv6 address needs the form [ADDRESS]:PORT")
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), text.firstIndex(of: ":") == colon else {
                throw invalid("unknown kind \"\(text.prefix { $0 != ":" })\"")
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard let address = IPAddress(String(host)) else {
            let looksLikeAddress = host.contains(".") || host.contains(":")
            throw invalid(looksLikeAddress ? "\"\(host)\" is not an IP address" : "unknown kind \"\(host)\"")
        }
        if host.contains(":") != (address.family == .ipv6) { throw invalid("\"\(host)\" is not an IP address") }
        guard let port = UInt16(portText), port > 0 else { throw invalid("\"\(portText)\" is not a port (1-65535)") }
        return .address(address, port: port)
    }

    /// `NAMESPACE/NAME`, both Kubernetes object names.
    private static func namespacedName(_ text: String,
                                       invalid: (String) -> KubernetesError) throws(KubernetesError) -> (String, String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw invalid("expected NAMESPACE/NAME") }
        let namespace = String(parts[0]), name = String(parts[1])
        guard isDNSLabel(namespace) else { throw invalid("\"\(namespace)\" is not a namespace name") }
        guard isObjectName(name) else { throw invalid("\"\(name)\" is not an object name") }
        return (namespace, name)
    }

    /// RFC 1123 label, as Kubernetes requires for namespaces and port names: lowercase letters, digits, `-`.
    static func isDNSLabel(_ text: String) -> Bool {
        guard (1...63).contains(text.utf8.count), text.first != "-", text.last != "-" else { return false }
        return text.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2d }
    }

    /// RFC 1123 subdomain (pod and service names may contain dots).
    static func isObjectName(_ text: String) -> Bool {
        guard (1...253).contains(text.utf8.count) else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isDNSLabel(String($0)) }
    }
}
