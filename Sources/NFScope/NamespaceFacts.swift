import Legacy
import NetCore
import NetNS
import NFTables
import Route

/// What `nfscope diff` compares of one namespace, each part as text lines in kernel order: rules per
/// chain, routes, addresses and the sysctls that decide forwarding and service traffic. Everything is
/// read over netlink, getsockopt and /proc inside the namespace.
public struct NamespaceFacts: Sendable {
    /// One chain's rules: `ip nat PREROUTING` and its rendered rules (iptables syntax for iptables-nft and
    /// iptables-legacy tables, nft syntax otherwise); a base chain's first line is its policy.
    public struct ChainRules: Sendable {
        public var backend: String
        public var family: String
        public var table: String
        public var chain: String
        public var lines: [String]

        public init(backend: String, family: String, table: String, chain: String, lines: [String]) {
            self.backend = backend
            self.family = family
            self.table = table
            self.chain = chain
            self.lines = lines
        }

        /// The key that pairs a chain across namespaces.
        public var key: String { "\(backend) \(family) \(table) \(chain)" }
    }

    public var chains: [ChainRules]
    /// `default via 10.42.0.1 dev eth0`, one per route (the `local` table is left out: its routes follow
    /// from the addresses, which are compared on their own; so are IPv6 link-local routes).
    public var routes: [String]
    /// `eth0 10.42.0.10/24` (IPv6 link-local addresses left out).
    public var addresses: [String]
    /// `net.ipv4.conf.eth0.rp_filter` → `1`; a missing file (module not loaded) has no entry.
    public var sysctls: [String: String]

    /// What could not be read and is therefore not compared.
    public var warnings: [String]

    public init(chains: [ChainRules], routes: [String], addresses: [String], sysctls: [String: String],
                warnings: [String] = []) {
        self.chains = chains
        self.routes = routes
        self.addresses = addresses
        self.sysctls = sysctls
        self.warnings = warnings
    }

    /// Reads every part from the namespace at `path`.
    public static func read(namespacePath path: String, label: String) throws -> NamespaceFacts {
        let handle = try NamespaceHandle(path: path, label: label)
        let routes = try RouteReader(connection: try handle.connection(.route)).snapshot()
        let names = Dictionary(routes.links.map { ($0.index, $0.name) }, uniquingKeysWith: { a, _ in a })
        let snapshot = try RulesetReader(connection: try handle.connection(.netfilter)).snapshot()
        var chains = nftablesChains(snapshot)
        var warnings: [String] = []
        do {
            for family in IPFamily.allCases { chains += legacyChains(try LegacyReader.tables(in: handle, family: family)) }
        } catch {
            warnings.append("iptables-legacy tables of \(label) could not be read (\(error)); they are not compared")
        }
        let interfaces = routes.links.map(\.name).filter { !$0.contains("/") && $0 != "." && $0 != ".." }
        let sysctls = try NetNS.run(in: handle) { SysctlSet.readHere(interfaces: interfaces) }
        // IPv6 link-local addresses and their fe80::/64 routes come with every interface and differ by MAC
        // alone: comparing them would bury the differences that matter.
        let linkLocal = IPPrefix("fe80::/10")
        return NamespaceFacts(
            chains: chains,
            routes: routes.routes.filter { $0.table != .local && !(linkLocal?.contains($0.destination.address) ?? false) }
                .map { RouteLine.text($0, interfaces: names) },
            addresses: routes.addresses.filter { !(linkLocal?.contains($0.prefix.address) ?? false) }
                .map { "\(names[$0.interfaceIndex] ?? "if\($0.interfaceIndex)") \($0.prefix)" },
            sysctls: sysctls, warnings: warnings)
    }

    static func nftablesChains(_ snapshot: RulesetSnapshot) -> [ChainRules] {
        var byChain: [String: [String]] = [:]
        for rule in snapshot.rules {
            let line = Tracer.render(rule, snapshot.structure) ?? "handle \(rule.handle)"
            byChain["\(rule.family) \(rule.table) \(rule.chain)", default: []].append(line)
        }
        return snapshot.structure.chains.map { chain in
            let iptables = chain.family.holdsIptablesTable(chain.table)
            var lines = chain.base.map { ["policy \($0.policy)"] } ?? []
            lines += byChain["\(chain.family) \(chain.table) \(chain.name)"] ?? []
            return ChainRules(backend: iptables ? "iptables-nft" : "nftables", family: "\(chain.family)",
                              table: chain.table, chain: chain.name, lines: lines)
        }
    }

    static func legacyChains(_ tables: [LegacyTable]) -> [ChainRules] {
        tables.flatMap { table in
            table.chains.map { chain in
                var lines: [String] = []
                if case .builtin(_, let policy, _) = chain.kind { lines.append("policy \(policy)") }
                lines += chain.rules.map { $0.iptablesText(ipsetNames: table.ipsetNames) }
                return ChainRules(backend: "iptables-legacy", family: table.family == .ipv4 ? "ip" : "ip6",
                                  table: table.name, chain: chain.name, lines: lines)
            }
        }
    }
}

/// The sysctls `diff` compares: forwarding, reverse-path filtering, martian and local-source handling, and
/// br_netfilter's switches, globally and per interface.
enum SysctlSet {
    static let global = [
        "net/ipv4/ip_forward", "net/ipv6/conf/all/forwarding",
        "net/bridge/bridge-nf-call-iptables", "net/bridge/bridge-nf-call-ip6tables",
        "net/ipv4/ip_nonlocal_bind", "net/ipv4/conf/all/log_martians",
    ]
    static let perInterface = ["rp_filter", "route_localnet", "accept_local", "forwarding", "proxy_arp"]

    /// Reads the files on the calling thread (a namespace thread); a file that cannot be read is left out.
    static func readHere(interfaces: [String]) -> [String: String] {
        var paths = global
        for interface in ["all", "default"] + interfaces {
            paths += perInterface.map { "net/ipv4/conf/\(interface)/\($0)" }
        }
        var values: [String: String] = [:]
        for path in paths {
            guard let text = try? ProcFile.readText("/proc/sys/" + path) else { continue }
            let value = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            values[path.replacing("/", with: ".")] = value
        }
        return values
    }
}

/// A route as `ip route` prints it, enough to tell two namespaces' routes apart.
enum RouteLine {
    static func text(_ route: Route, interfaces: [Int32: String]) -> String {
        var parts: [String] = []
        if route.type != .unicast { parts.append("\(route.type)") }
        let isDefault = route.destination.length == 0
        parts.append(isDefault ? "default" : "\(route.destination)")
        if let gateway = route.gateway { parts += ["via", "\(gateway)"] }
        if let index = route.outputInterface { parts += ["dev", interfaces[index] ?? "if\(index)"] }
        for hop in route.nexthops {
            parts += ["nexthop"] + (hop.gateway.map { ["via", "\($0)"] } ?? []) + ["dev", interfaces[hop.interfaceIndex] ?? "if\(hop.interfaceIndex)"]
        }
        if route.table != .main { parts += ["table", "\(route.table)"] }
        parts += ["proto", "\(route.protocol)"]
        if route.scope != .universe { parts += ["scope", "\(route.scope)"] }
        if let source = route.preferredSource { parts += ["src", "\(source)"] }
        if let metric = route.priority { parts += ["metric", "\(metric)"] }
        return parts.joined(separator: " ")
    }
}
