import Foundation
import NetCore
import NetNS
import Netlink
import Route
import Testing
import TestLab

/// RouteReader read back against `ip -j` in throwaway namespaces.
///
/// Namespace `a` holds: a veth to `b` (IPv4 + IPv6), a bridge whose port is a veth to `c`, a VXLAN on the
/// veth, routes in main, table 100 and table 1000 (above 255), IPv4 and IPv6 multipath routes, blackhole,
/// unreachable and prohibit routes, policy rules (fwmark, selectors, prohibit, goto), and permanent
/// neighbours. Each test compares the fields both sides show.
@Suite("route reader against ip", .serialized, .enabled(if: Shell.isRoot, "needs root: creates network namespaces"))
struct RouteReaderTests {
    struct RoutingLab {
        var a: LabNamespace
        var b: LabNamespace
        var c: LabNamespace
    }

    static func buildRoutingLab(_ lab: Lab) throws -> RoutingLab {
        let a = try lab.namespace("a"), b = try lab.namespace("b"), c = try lab.namespace("c")
        try lab.veth(a, "veth-a", addresses: ["10.77.0.1/24", "fd77::1/64"], b, "veth-b", addresses: ["10.77.0.2/24", "fd77::2/64"])
        try lab.bridge(a, "br0", addresses: ["10.78.0.1/24"])
        try lab.veth(a, "port0", addresses: [], c, "eth0", addresses: ["10.78.0.2/24"])
        try lab.attach(a, "port0", to: "br0")
        let commands: [[String]] = [
            ["ip", "link", "add", "vx0", "type", "vxlan", "id", "42", "dstport", "4789", "local", "10.77.0.1", "dev", "veth-a"],
            ["ip", "link", "set", "vx0", "mtu", "1400", "alias", "overlay"],
            ["ip", "addr", "add", "10.79.0.1/24", "broadcast", "10.79.0.255", "dev", "vx0", "label", "vx0:ov"],
            ["ip", "link", "set", "vx0", "up"],
            ["ip", "route", "add", "10.50.0.0/16", "via", "10.77.0.2", "table", "100"],
            ["ip", "route", "add", "unreachable", "10.54.0.0/16", "table", "100"],
            ["ip", "route", "add", "10.52.0.0/16", "dev", "veth-a", "src", "10.77.0.1", "table", "1000"],
            ["ip", "route", "add", "blackhole", "10.66.0.0/16"],
            ["ip", "route", "add", "prohibit", "10.55.0.0/16", "metric", "5"],
            ["ip", "route", "add", "10.51.0.0/16", "via", "10.77.0.2", "metric", "50", "proto", "static"],
            ["ip", "route", "add", "10.53.0.0/16", "nexthop", "via", "10.77.0.2", "weight", "1",
             "nexthop", "via", "10.78.0.2", "weight", "3"],
            ["ip", "-6", "route", "add", "fd50::/48", "via", "fd77::2", "metric", "7"],
            ["ip", "-6", "route", "add", "fd51::/48", "nexthop", "via", "fd77::2", "weight", "2", "nexthop", "via", "fd77::3"],
            ["ip", "-6", "route", "add", "blackhole", "fd66::/48", "table", "100"],
            ["ip", "rule", "add", "fwmark", "0x1", "table", "100"],
            ["ip", "rule", "add", "from", "10.77.0.0/24", "to", "10.50.0.0/16", "iif", "veth-a", "table", "1000", "priority", "500"],
            ["ip", "rule", "add", "prohibit", "to", "10.99.0.0/16", "priority", "600"],
            ["ip", "rule", "add", "not", "from", "10.1.0.0/16", "oif", "veth-a", "goto", "32766", "priority", "700"],
            ["ip", "rule", "add", "from", "10.2.0.5", "table", "1000", "priority", "800"],
            ["ip", "-6", "rule", "add", "fwmark", "0x2/0xff", "table", "100"],
            ["ip", "rule", "add", "ipproto", "tcp", "dport", "80-443", "sport", "1000", "uidrange", "1000-2000",
             "table", "100", "priority", "900"],
            ["ip", "rule", "add", "to", "10.9.0.0/16", "tos", "0x10", "suppress_prefixlength", "0", "table", "main", "priority", "901"],
            ["ip", "rule", "add", "fwmark", "0x4000/0xc000", "blackhole", "priority", "902"],
            ["ip", "-6", "rule", "add", "from", "fd00::/8", "unreachable", "priority", "903"],
            ["ip", "neigh", "add", "10.77.0.9", "lladdr", "02:00:00:00:00:09", "dev", "veth-a", "nud", "permanent"],
            ["ip", "-6", "neigh", "add", "fd77::9", "lladdr", "02:00:00:00:00:0a", "dev", "veth-a", "nud", "permanent"],
        ]
        for command in commands { try a.exec(command) }
        return RoutingLab(a: a, b: b, c: c)
    }

    /// Runs `body` with a reader whose socket lives in the namespace.
    static func withReader<T>(_ namespace: LabNamespace, _ body: (RouteReader) throws -> T) throws -> T {
        let handle = try NamespaceHandle(name: namespace.name)
        return try body(RouteReader(connection: try handle.connection(.route)))
    }

    /// The oracle: `ip -j ARGS` inside the namespace, parsed.
    static func ipJSON(_ namespace: LabNamespace, _ arguments: [String]) throws -> [[String: Any]] {
        let text = try namespace.exec(["ip", "-j"] + arguments)
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(parsed as? [[String: Any]], "ip -j \(arguments) did not give a list: \(text)")
    }

    static func names(of links: [Link]) -> [Int32: String] {
        Dictionary(links.map { ($0.index, $0.name) }, uniquingKeysWith: { first, _ in first })
    }

    @Test("links: index, name, kind, port kind, flags, operstate, MTU, MAC, master, peer, link netnsid, VXLAN, alias")
    func links() throws {
        try withLab { lab in
            let setup = try Self.buildRoutingLab(lab)
            let links = try Self.withReader(setup.a) { try $0.links() }
            let names = Self.names(of: links)
            let ours = Set(links.map { Self.key(of: $0, names: names) })
            let oracle = Set(try Self.ipJSON(setup.a, ["-d", "link", "show"]).map(Self.key(ofIPLink:)))
            #expect(ours == oracle)
            #expect(links.count == 5)  // lo, veth-a, br0, port0, vx0: the comparison above is not vacuous
            let vxlan = try #require(links.first { $0.name == "vx0" })
            #expect(vxlan.vxlan?.id == 42 && vxlan.alias == "overlay" && vxlan.mtu == 1400)
        }
    }

    @Test("addresses: IPv4 and IPv6, prefix, scope, broadcast, label, nodad")
    func addresses() throws {
        try withLab { lab in
            let setup = try Self.buildRoutingLab(lab)
            let addresses = try Self.withReader(setup.a) { try $0.addresses() }
            let ours = Set(addresses.map(Self.key(of:)))
            var oracle = Set<String>()
            for link in try Self.ipJSON(setup.a, ["addr", "show"]) {
                let index = link["ifindex"] as? Int ?? -1
                for info in link["addr_info"] as? [[String: Any]] ?? [] {
                    oracle.insert(Self.key(ofIPAddress: info, index: index))
                }
            }
            #expect(ours == oracle)
            #expect(addresses.contains { $0.prefix == IPPrefix("fd77::1/64") && $0.flags.contains(.noDAD) })
            #expect(addresses.contains { $0.label == "vx0:ov" && $0.broadcast == IPAddress("10.79.0.255") })
        }
    }

    @Test("routes of every table, IPv4 and IPv6: local, main, 100, 1000; multipath; blackhole, unreachable, prohibit")
    func routes() throws {
        try withLab { lab in
            let setup = try Self.buildRoutingLab(lab)
            let (links, routes) = try Self.withReader(setup.a) { (try $0.links(), try $0.routes()) }
            let names = Self.names(of: links)
            let ours = routes.map { Self.key(of: $0, names: names) }.sorted()
            let oracle = (try Self.ipJSON(setup.a, ["-4", "route", "show", "table", "all"]).map { Self.key(ofIPRoute: $0, family: .ipv4) }
                + (try Self.ipJSON(setup.a, ["-6", "route", "show", "table", "all"])).map { Self.key(ofIPRoute: $0, family: .ipv6) }).sorted()
            #expect(ours == oracle)
            let tables = Set(routes.map(\.table))
            #expect(tables.isSuperset(of: [.local, .main, RouteTable(rawValue: 100), RouteTable(rawValue: 1000)]))
            #expect(routes.contains { $0.family == .ipv6 && $0.nexthops.count == 2 })
            #expect(routes.contains { $0.type == .blackhole && $0.table == RouteTable(rawValue: 100) && $0.family == .ipv6 })
        }
    }

    @Test("policy rules of both families: priority, selectors (prefixes, iif/oif, fwmark/mask, tos, ipproto, ports, uid), table, actions, not, suppress")
    func rules() throws {
        try withLab { lab in
            let setup = try Self.buildRoutingLab(lab)
            let rules = try Self.withReader(setup.a) { try $0.rules() }
            let ours = rules.map(Self.key(of:))
            let oracle = try Self.ipJSON(setup.a, ["-4", "rule", "show"]).map { Self.key(ofIPRule: $0, family: .ipv4) }
                + Self.ipJSON(setup.a, ["-6", "rule", "show"]).map { Self.key(ofIPRule: $0, family: .ipv6) }
            #expect(ours == oracle)
            #expect(rules.contains { $0.fwmark == 1 && $0.table == RouteTable(rawValue: 100) && $0.family == .ipv4 })
            #expect(rules.contains { $0.ipProtocol == 6 && $0.destinationPorts == 80...443 && $0.uidRange == 1000...2000 })
            #expect(rules.contains { $0.suppressPrefixLength == 0 && $0.tos == 0x10 })
        }
    }

    @Test("neighbours: permanent ARP and NDP entries with their MACs")
    func neighbours() throws {
        try withLab { lab in
            let setup = try Self.buildRoutingLab(lab)
            // MLD reports add NOARP multicast entries (ff02::16) at moments of their own; compare in a window
            // where two reads of ours around the oracle's agree. `nud all`: ip hides NOARP entries by default.
            var ours = Set<String>(), oracle = Set<String>()
            try Self.withReader(setup.a) { reader in
                let names = Self.names(of: try reader.links())
                for _ in 0..<5 {
                    let before = Set(try reader.neighbours().map { Self.key(of: $0, names: names) })
                    oracle = Set(try Self.ipJSON(setup.a, ["neigh", "show", "nud", "all"]).map(Self.key(ofIPNeighbour:)))
                    ours = Set(try reader.neighbours().map { Self.key(of: $0, names: names) })
                    if before == ours { break }
                }
            }
            #expect(ours == oracle)
            #expect(ours.contains("10.77.0.9|veth-a|02:00:00:00:00:09|PERMANENT"))
            #expect(ours.contains("fd77::9|veth-a|02:00:00:00:00:0a|PERMANENT"))
        }
    }

    @Test("a snapshot holds the same lists as the single reads")
    func snapshot() throws {
        try withLab { lab in
            let setup = try Self.buildRoutingLab(lab)
            try Self.withReader(setup.a) { reader in
                let snapshot = try reader.snapshot()
                #expect(snapshot.links == (try reader.links()))
                #expect(snapshot.addresses == (try reader.addresses()))
                #expect(snapshot.routes == (try reader.routes()))
                #expect(snapshot.rules == (try reader.rules()))
                #expect(snapshot.neighbours == (try reader.neighbours()))
                let bridge = try #require(snapshot.link(named: "br0"))
                #expect(snapshot.link(named: "port0")?.masterIndex == bridge.index)
                #expect(snapshot.routes(in: RouteTable(rawValue: 1000), family: .ipv4).count == 1)
            }
        }
    }

    @Test("a veth's IFLA_LINK_NETNSID is the id namespaceID(ofDescriptor:) gives for the peer's namespace")
    func vethPeerNamespace() throws {
        try withLab { lab in
            let setup = try Self.buildRoutingLab(lab)
            let unrelated = try lab.namespace("d")
            let handleB = try NamespaceHandle(name: setup.b.name)
            let handleC = try NamespaceHandle(name: setup.c.name)
            let handleD = try NamespaceHandle(name: unrelated.name)
            let fds = (c: handleC.descriptor.rawValue, d: handleD.descriptor.rawValue)
            let (links, ids) = try Self.withReader(setup.a) { reader in
                (try reader.links(), (b: try reader.namespaceID(of: handleB),
                                      c: try reader.namespaceID(ofDescriptor: fds.c),
                                      d: try reader.namespaceID(ofDescriptor: fds.d)))
            }
            let oracle = try Self.ipJSON(setup.a, ["link", "show"])
            func ipNetnsid(_ name: String) -> Int? {
                oracle.first { $0["ifname"] as? String == name }?["link_netnsid"] as? Int
            }
            let vethA = try #require(links.first { $0.name == "veth-a" })
            let port0 = try #require(links.first { $0.name == "port0" })
            let idB = try #require(ids.b), idC = try #require(ids.c)
            #expect(vethA.linkNamespaceID == idB)
            #expect(port0.linkNamespaceID == idC)
            #expect(ipNetnsid("veth-a") == Int(idB))
            #expect(ipNetnsid("port0") == Int(idC))
            #expect(idB != idC)
            #expect(ids.d == nil)
            // The peer index is the peer's ifindex in its own namespace.
            let peer = try Self.ipJSON(setup.b, ["link", "show", "veth-b"]).first?["ifindex"] as? Int
            #expect(vethA.parentIndex.map(Int.init) == peer)
        }
    }

    @Test("routing sysctls read inside the namespace agree with sysctl(8) there")
    func sysctls() throws {
        try withLab { lab in
            let setup = try Self.buildRoutingLab(lab)
            let a = setup.a
            for assignment in ["net.ipv4.ip_forward=1", "net.ipv4.conf.all.rp_filter=2", "net.ipv4.conf.veth-a.rp_filter=1",
                               "net.ipv4.conf.br0.route_localnet=1", "net.ipv6.conf.all.forwarding=1"] {
                try a.sysctl(assignment)
            }
            let handle = try NamespaceHandle(name: a.name)
            let values = try NamespaceSysctls.read(in: handle, interfaces: ["veth-a", "br0", "lo", "gone0"])
            func oracle(_ key: String) throws -> Int {
                try #require(Int(try a.exec(["sysctl", "-n", key]).trimmingCharacters(in: .whitespacesAndNewlines)))
            }
            #expect(values.ipv4Forwarding == (try oracle("net.ipv4.ip_forward") != 0))
            #expect(values.ipv6Forwarding == (try oracle("net.ipv6.conf.all.forwarding") != 0))
            #expect(values.reversePathFilter.all == (try oracle("net.ipv4.conf.all.rp_filter")))
            #expect(values.reversePathFilter.default == (try oracle("net.ipv4.conf.default.rp_filter")))
            for name in ["veth-a", "br0", "lo"] {
                #expect(values.reversePathFilter.interfaces[name] == (try oracle("net.ipv4.conf.\(name).rp_filter")))
                #expect(values.routeLocalnet.interfaces[name] == (try oracle("net.ipv4.conf.\(name).route_localnet")))
            }
            #expect(values.reversePathFilter.interfaces["gone0"] == nil)
            #expect(values.effectiveReversePathFilter(on: "veth-a") == 2)
            #expect(values.effectiveRouteLocalnet(on: "br0") == true)
            #expect(values.effectiveRouteLocalnet(on: "veth-a") == false)
            let bridgeFile = try Shell.runCapturing(["ip", "netns", "exec", a.name, "cat", "/proc/sys/net/bridge/bridge-nf-call-iptables"])
            #expect(values.bridgeCallsIptables == (bridgeFile.status == 0 ? Int(bridgeFile.output.trimmingCharacters(in: .whitespacesAndNewlines)).map { $0 != 0 } : nil))
            // The root namespace's own value did not leak in: the lab set forwarding on, a fresh one is off.
            let fresh = try lab.namespace("fresh")
            let freshValues = try NamespaceSysctls.read(in: try NamespaceHandle(name: fresh.name), interfaces: [])
            #expect(freshValues.ipv4Forwarding == (try fresh.exec(["sysctl", "-n", "net.ipv4.ip_forward"]).hasPrefix("1")))
        }
    }
}
