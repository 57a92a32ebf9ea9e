import NetCore
import NetNS
import Netlink
import NFTables

/// Where to read a ruleset from: the current namespace, a named or path namespace, or a process's.
public enum NamespaceSelector: Sendable, Equatable {
    case current
    /// A name under /run/netns, a path (contains `/`), or a pid given as digits (`NamespaceHandle(spec:)`).
    case spec(String)
    case pid(Int32)
}

/// Opens a netfilter socket inside the chosen namespace and returns a reader bound to it. The socket keeps
/// the namespace alive, so the read succeeds even if its last process exits meanwhile.
public enum RulesetSource {
    public static func reader(for selector: NamespaceSelector) throws -> (reader: RulesetReader, namespace: String) {
        let session = try session(for: selector)
        return (session.reader, session.namespace)
    }

    /// A reader and an ipset name resolver in the chosen namespace.
    public static func session(for selector: NamespaceSelector) throws -> RulesetSession {
        let handle: NamespaceHandle
        switch selector {
        case .current: handle = try NamespaceHandle.current()
        case .spec(let spec): handle = try NamespaceHandle(spec: spec)
        case .pid(let pid): handle = try NamespaceHandle(pid: pid)
        }
        return RulesetSession(reader: RulesetReader(connection: try handle.connection(.netfilter)),
                              namespace: handle.id.label,
                              ipsetNames: try? IPSetNameResolver(namespace: handle))
    }
}

/// What a ruleset read in one namespace needs: the reader, the namespace's label, and ipset names for
/// iptables renderings (nil when the socket for them could not be opened).
public struct RulesetSession {
    public let reader: RulesetReader
    public let namespace: String
    public let ipsetNames: IPSetNameResolver?

    /// The resolver as the closure renderers take.
    public var ipsetName: ((UInt16) -> String?)? {
        guard let ipsetNames else { return nil }
        return { ipsetNames.name($0) }
    }
}
