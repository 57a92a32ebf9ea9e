import NetCore
import Netlink

/// Links, addresses, routes, policy rules and neighbours of one namespace, read together.
///
/// Produced by ``RouteReader/snapshot(attempts:)``: if any of its dumps is interrupted by a change
/// (`NLM_F_DUMP_INTR`) or loses messages, the whole snapshot is read again, so the lists agree with one
/// another (an address's interface is among the links, a route's table among the rules' targets).
public struct RouteSnapshot: Hashable, Sendable {
    /// The namespace the snapshot was read from, when the connection knew it.
    public var namespace: NamespaceID?
    /// Every interface.
    public var links: [Link]
    /// IPv4 then IPv6 addresses.
    public var addresses: [InterfaceAddress]
    /// IPv4 then IPv6 routes of all tables.
    public var routes: [Route]
    /// IPv4 then IPv6 policy rules, each family in priority order.
    public var rules: [PolicyRule]
    /// IPv4 (ARP) then IPv6 (NDP) neighbour entries.
    public var neighbours: [Neighbour]

    /// Creates a snapshot from lists, as tests and fakes need.
    public init(namespace: NamespaceID? = nil, links: [Link] = [], addresses: [InterfaceAddress] = [],
                routes: [Route] = [], rules: [PolicyRule] = [], neighbours: [Neighbour] = []) {
        self.namespace = namespace
        self.links = links
        self.addresses = addresses
        self.routes = routes
        self.rules = rules
        self.neighbours = neighbours
    }

    /// The link with an interface index.
    public func link(index: Int32) -> Link? { links.first { $0.index == index } }

    /// The link with a name.
    public func link(named name: String) -> Link? { links.first { $0.name == name } }

    /// The addresses on one interface.
    public func addresses(onInterface index: Int32) -> [InterfaceAddress] {
        addresses.filter { $0.interfaceIndex == index }
    }

    /// The routes of one table and family.
    public func routes(in table: RouteTable, family: IPFamily) -> [Route] {
        routes.filter { $0.table == table && $0.family == family }
    }

    /// The policy rules of one family, in the order the kernel evaluates them.
    public func rules(family: IPFamily) -> [PolicyRule] {
        rules.filter { $0.family == family }.sorted { $0.priority < $1.priority }
    }
}

extension RouteReader {
    /// Reads all five lists; when any dump is interrupted by a change, the whole snapshot is read again,
    /// up to `attempts` times, after which a `NetlinkError` with `EAGAIN` says the state kept changing.
    public func snapshot(attempts: Int = 5) throws -> RouteSnapshot {
        for _ in 0..<max(1, attempts) {
            if let snapshot = try snapshotAttempt() { return snapshot }
        }
        throw NetlinkError(operation: .dump("route snapshot"), errno: .resourceTemporarilyUnavailable,
                           kernelMessage: "links, addresses or routes changed during every one of \(attempts) reads",
                           namespace: connection.namespace)
    }

    /// One pass over the five dumps; `nil` as soon as one of them is inconsistent.
    private func snapshotAttempt() throws -> RouteSnapshot? {
        var snapshot = RouteSnapshot(namespace: connection.namespace)
        guard try dumpOnce(.links, into: &snapshot.links, Link.init(decoding:)),
              try dumpOnce(.addresses, into: &snapshot.addresses, InterfaceAddress.init(decoding:)),
              try dumpOnce(.routes, into: &snapshot.routes, Route.init(decoding:)),
              try dumpOnce(.rules, into: &snapshot.rules, PolicyRule.init(decoding:)),
              try dumpOnce(.neighbours, into: &snapshot.neighbours, Neighbour.init(decoding:))
        else { return nil }
        return snapshot
    }

    /// Dumps every family of one kind once; returns whether every dump was consistent.
    private func dumpOnce<T>(_ dump: RouteDump, into list: inout [T],
                             _ decode: (NetlinkMessage) throws -> T) throws -> Bool {
        for family in dump.families(nil) {
            let inconsistency = try connection.dump(dump.request(family: family), operation: dump.operation(family)) {
                list.append(try decode($0))
            }
            if inconsistency != nil { return false }
        }
        return true
    }
}
