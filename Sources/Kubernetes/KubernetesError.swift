/// Why a target could not be parsed or resolved, with what an operator needs to fix the command line.
public struct KubernetesError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The target text is not one of the accepted forms; `reason` says what is wrong.
        case invalidTarget(reason: String)
        /// No pod by that namespace and name in any runtime tree or cgroup; `searched` lists where we looked.
        case podNotFound(searched: [String])
        /// The pod is known (its sandbox was found) but its network namespace could not be located.
        case podNamespaceMissing(reason: String)
        /// No kube-proxy rule names that service.
        case serviceNotFound
        /// The service exists but has no port with that number or name; `available` lists its ports.
        case servicePortNotFound(available: [String])
        /// The service has several ports (or one port number over several protocols) and the command needs
        /// one; `available` lists them.
        case servicePortAmbiguous(available: [String])
    }

    public var kind: Kind
    /// What the user asked for, as typed (`pod:default/web-1`).
    public var target: String
    /// Known names close to the one asked for, best first (at most five); empty when none is close.
    public var suggestions: [String]

    public init(kind: Kind, target: String, suggestions: [String] = []) {
        self.kind = kind
        self.target = target
        self.suggestions = suggestions
    }

    public var description: String {
        var text: String
        switch kind {
        case .invalidTarget(let reason):
            text = "invalid target \(target): \(reason) (expected pod:NAMESPACE/NAME, svc:NAMESPACE/NAME[:PORT], "
                + "node, IP:PORT, netns:NAME|PATH or pid:PID)"
        case .podNotFound(let searched):
            text = "no pod \(target) on this node (searched \(searched.joined(separator: ", ")))"
        case .podNamespaceMissing(let reason):
            text = "pod \(target) was found but not its network namespace: \(reason)"
        case .serviceNotFound:
            text = "no service \(target) in kube-proxy's rules on this node"
        case .servicePortNotFound(let available):
            text = "service \(target) has no such port (ports: \(available.joined(separator: ", ")))"
        case .servicePortAmbiguous(let available):
            text = "service \(target) has several ports (\(available.joined(separator: ", "))); name one, "
                + "as in \(target):PORT, or pick the protocol with --proto"
        }
        if !suggestions.isEmpty { text += "; did you mean \(suggestions.joined(separator: ", "))?" }
        return text
    }
}
