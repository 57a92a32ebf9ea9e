extension Target {
    /// A trace destination as typed: any target, plus `pod:NAMESPACE/NAME:PORT` (a pod and the port to reach
    /// on it), which ``init(parsing:)`` does not accept because a pod as a source has no port.
    public static func parsingDestination(_ text: String) throws(KubernetesError) -> (target: Target, port: UInt16?) {
        guard text.hasPrefix("pod:"), let colon = text.lastIndex(of: ":"), colon > text.index(text.startIndex, offsetBy: 3)
        else { return (try Target(parsing: text), nil) }
        let portText = text[text.index(after: colon)...]
        guard let port = UInt16(portText), port > 0 else {
            throw KubernetesError(kind: .invalidTarget(reason: "pod port \"\(portText)\" is not a port number"), target: text)
        }
        return (try Target(parsing: String(text[..<colon])), port)
    }

    /// Whether a packet can start here: a pod, the node, a namespace or a process (not a service or an address).
    public var canBeSource: Bool {
        switch self {
        case .pod, .node, .netns, .pid: return true
        case .service, .address: return false
        }
    }
}
