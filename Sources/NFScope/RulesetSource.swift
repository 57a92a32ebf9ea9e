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
        let handle: NamespaceHandle
        switch selector {
        case .current: handle = try NamespaceHandle.current()
        case .spec(let spec): handle = try NamespaceHandle(spec: spec)
        case .pid(let pid): handle = try NamespaceHandle(pid: pid)
        }
        let label = handle.id.label
        return (RulesetReader(connection: try handle.connection(.netfilter)), label)
    }
}
