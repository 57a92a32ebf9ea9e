import NetCore
import Netlink

/// Reads links, addresses, routes, policy rules and neighbours of one network namespace over rtnetlink.
///
/// The namespace is the one the connection's socket lives in: open it with
/// `NamespaceHandle.connection(.route)` to read another namespace. Each list method replays its dump until
/// the kernel reports it consistent (no `NLM_F_DUMP_INTR`); ``snapshot(attempts:)`` does the same for all
/// five lists together. Everything is read from the kernel, never from `ip` output. Not for concurrent use:
/// one conversation at a time on the connection.
public struct RouteReader {
    /// The rtnetlink conversation the reader uses.
    public let connection: NetlinkConnection

    /// Creates a reader over a `NETLINK_ROUTE` connection.
    public init(connection: NetlinkConnection) {
        self.connection = connection
    }

    /// Every interface of the namespace, in the kernel's order (by index within each hash bucket).
    public func links() throws -> [Link] {
        try collect(.links, family: nil, Link.init(decoding:))
    }

    /// Every interface address, of one family or (with `nil`) IPv4 then IPv6.
    public func addresses(family: IPFamily? = nil) throws -> [InterfaceAddress] {
        try collect(.addresses, family: family, InterfaceAddress.init(decoding:))
    }

    /// Every route of every table (local, main, default and custom ones), of one family or both.
    ///
    /// Cached routes (exceptions such as learned PMTU) are not FIB entries and are not included.
    public func routes(family: IPFamily? = nil) throws -> [Route] {
        try collect(.routes, family: family, Route.init(decoding:))
    }

    /// Every policy rule, of one family or both, in priority order.
    public func rules(family: IPFamily? = nil) throws -> [PolicyRule] {
        try collect(.rules, family: family, PolicyRule.init(decoding:))
    }

    /// Every ARP and NDP cache entry (proxy entries are not listed), of one family or both.
    public func neighbours(family: IPFamily? = nil) throws -> [Neighbour] {
        try collect(.neighbours, family: family, Neighbour.init(decoding:))
    }

    /// Streams the routes of one family to `body` as they arrive, without collecting them, for tables too
    /// large to hold. Returns `nil` when the dump was consistent, otherwise why not; the caller decides
    /// whether to read again (what it already received may mix old and new state).
    @discardableResult
    public func forEachRoute(family: IPFamily, _ body: (Route) throws -> Void) throws -> DumpInconsistency? {
        try connection.dump(RouteDump.routes.request(family: family), operation: RouteDump.routes.operation(family)) {
            try body(try Route(decoding: $0))
        }
    }

    /// Dumps one kind for one family, or for IPv4 then IPv6, each dump replayed until consistent.
    func collect<T>(_ dump: RouteDump, family: IPFamily?, _ decode: (NetlinkMessage) throws -> T) throws -> [T] {
        var result: [T] = []
        for family in dump.families(family) {
            var part: [T] = []
            try connection.consistentDump(dump.request(family: family), operation: dump.operation(family),
                                          reset: { part.removeAll(keepingCapacity: true) }) {
                part.append(try decode($0))
            }
            result += part
        }
        return result
    }
}
