import Legacy
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
        try session(for: selector, readingLegacy: false)
    }

    /// A reader and an ipset name resolver in the chosen namespace, plus, when `readingLegacy`, the
    /// namespace's iptables-legacy tables of both families (read without creating any).
    /// - Parameter parallelReaders: how many more netfilter connections to open for a parallel read
    ///   (`RulesetReader.stream(on:)`); none by default.
    public static func session(for selector: NamespaceSelector, readingLegacy: Bool,
                               parallelReaders: Int = 0) throws -> RulesetSession {
        let handle: NamespaceHandle
        switch selector {
        case .current: handle = try NamespaceHandle.current()
        case .spec(let spec): handle = try NamespaceHandle(spec: spec)
        case .pid(let pid): handle = try NamespaceHandle(pid: pid)
        }
        var legacy: [LegacyTable] = []
        var legacyError: (any Error)?
        if readingLegacy {
            // A failed legacy read is the caller's to judge: fatal when only legacy tables were asked for,
            // a warning next to the nf_tables listing otherwise.
            do {
                legacy = try LegacyReader.tables(in: handle, family: .ipv4) + LegacyReader.tables(in: handle, family: .ipv6)
            } catch {
                legacyError = error
            }
        }
        var readConnections: [NetlinkConnection] = []
        for _ in 0..<max(0, parallelReaders) { readConnections.append(try handle.connection(.netfilter)) }
        return RulesetSession(reader: RulesetReader(connection: try handle.connection(.netfilter)),
                              readConnections: readConnections,
                              namespace: handle.id.label,
                              ipsetNames: try? IPSetNameResolver(namespace: handle),
                              legacyTables: legacy, legacyReadError: legacyError)
    }
}

/// What a ruleset read in one namespace needs: the reader, the namespace's label, and ipset names for
/// iptables renderings (nil when the socket for them could not be opened).
public struct RulesetSession {
    public let reader: RulesetReader
    /// More connections in the same namespace, for a parallel read (empty unless asked for).
    public let readConnections: [NetlinkConnection]
    public let namespace: String
    public let ipsetNames: IPSetNameResolver?
    /// The iptables-legacy tables of both families, in kernel order (empty unless the session was opened
    /// with `readingLegacy`).
    public let legacyTables: [LegacyTable]
    /// Why the legacy tables could not be read, when they were asked for and the read failed.
    public let legacyReadError: (any Error)?

    /// The resolver as the closure renderers take.
    public var ipsetName: (@Sendable (UInt16) -> String?)? {
        guard let ipsetNames else { return nil }
        return { ipsetNames.name($0) }
    }
}
