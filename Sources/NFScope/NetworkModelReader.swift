import Conntrack
import Legacy
import NetCore
import NetNS
import Netlink
import NFTables
import Route
import Simulator

/// Reads a ``NetworkModel`` from the live kernel: the start namespace and every namespace its veths lead
/// to (transitively), each with its ruleset, routes, sysctls and listening sockets, veth peers resolved
/// through netns ids as `netns list` does.
public struct NetworkModelReader {
    /// Read rules chain by chain as the simulation reaches them (the default), or the whole ruleset up front.
    public var lazyRules: Bool

    public init(lazyRules: Bool = true) {
        self.lazyRules = lazyRules
    }

    /// Reads the model; returns it with the name of the start namespace in it.
    /// - Parameter spec: a namespace name, a path such as `/run/netns/NAME` or `/proc/PID/ns/net`, or a pid.
    public func read(from spec: String) throws -> (model: NetworkModel, start: String) {
        let (model, start, _) = try readWithSources(from: spec)
        return (model, start)
    }

    /// The model and, when rules are read lazily, the per-namespace sources to verify after simulating.
    func readWithSources(from spec: String) throws -> (model: NetworkModel, start: String, sources: [LiveRuleSource]) {
        let (model, start, sources, _) = try readLive(from: spec)
        return (model, start, sources)
    }

    /// The model, the rule sources, and a conntrack reader per namespace of the model (a netfilter socket
    /// opened inside it now, for the simulator's conntrack lookups later).
    func readLive(from spec: String) throws
        -> (model: NetworkModel, start: String, sources: [LiveRuleSource], conntrack: [String: ConntrackReader]) {
        let start = try NamespaceHandle(spec: spec)
        let inventory = NamespaceInventory.scan()
        var opened: [OpenNamespace] = []
        for entry in inventory.entries {
            if let namespace = try? OpenNamespace.open(entry) { opened.append(namespace) }
        }
        guard let first = opened.firstIndex(where: { $0.id == start.id }) else {
            throw NamespaceError(kind: .notFound, target: spec)
        }
        let names = uniqueNames(opened)
        var models: [String: NamespaceModel] = [:]
        var sources: [LiveRuleSource] = []
        var conntrack: [String: ConntrackReader] = [:]
        var queue = [first]
        var seen: Set<Int> = [first]
        while let current = queue.first {
            queue.removeFirst()
            let namespace = opened[current]
            var model = try read(namespace, name: names[current])
            if let source = model.ruleSource as? LiveRuleSource { sources.append(source) }
            // Without one the namespace's flows are simply new: a socket that fails to open is no reason to stop.
            conntrack[model.name] = try? ConntrackReader(namespace: namespace.handle)
            for link in namespace.links where link.kind == .veth {
                guard let peerIndex = link.parentIndex else { continue }
                var target = current
                if let nsid = link.linkNamespaceID {
                    guard let other = opened.indices.first(where: { $0 != current && namespace.nsid(of: opened[$0]) == nsid })
                    else { continue }
                    target = other
                }
                model.peers[link.index] = InterfaceEndpoint(namespace: names[target], interfaceIndex: peerIndex)
                if seen.insert(target).inserted { queue.append(target) }
            }
            models[model.name] = model
        }
        return (NetworkModel(Array(models.values)), names[first], sources, conntrack)
    }

    private func uniqueNames(_ opened: [OpenNamespace]) -> [String] {
        var used: Set<String> = []
        return opened.map { namespace in
            var name = namespace.label
            if !used.insert(name).inserted {
                name += " (inode \(namespace.id.inode))"
                used.insert(name)
            }
            return name
        }
    }

    private func read(_ namespace: OpenNamespace, name: String) throws -> NamespaceModel {
        let routes = try namespace.reader.snapshot()
        let sysctls = try NamespaceSysctls.read(in: namespace.handle, interfaces: routes.links.map(\.name))
        let reader = RulesetReader(connection: try namespace.handle.connection(.netfilter))
        var ruleset = RulesetSnapshot(structure: RulesetStructure(), rules: [])
        var source: LiveRuleSource?
        if lazyRules {
            // Tables, base chains, sets with elements now; other chains and rules when the simulation reaches them.
            ruleset.structure = try reader.baseStructure()
            source = LiveRuleSource(reader: reader, generation: ruleset.structure.generation)
        } else {
            ruleset = try reader.snapshot()
        }
        var blindSpots = ["BPF netfilter links and IPVS services are not read"]
        blindSpots += DatapathProbe(connection: namespace.reader.connection)
            .findings(names: Dictionary(routes.links.map { ($0.index, $0.name) }, uniquingKeysWith: { a, _ in a }))
        // iptables-legacy (x_tables) tables run on their hooks next to nf_tables; the reader never creates one.
        var legacy = LegacyRuleset()
        do {
            legacy = LegacyRuleset(try LegacyReader.tables(in: namespace.handle, family: .ipv4)
                                   + LegacyReader.tables(in: namespace.handle, family: .ipv6))
        } catch {
            blindSpots.append("iptables-legacy tables could not be read (\(error)); they are not simulated")
        }
        for table in ruleset.structure.tables where table.family == .bridge || table.family == .netdev || table.family == .arp {
            blindSpots.append("\(table.family) table \(table.name) is not simulated")
        }
        var listeners: [Listener] = []
        do {
            listeners = try ListenerTable.read(in: namespace.handle)
        } catch {
            blindSpots.append("listening sockets could not be read over sock_diag (\(error)); every delivery looks unanswered")
        }
        var model = NamespaceModel(name: name, ruleset: ruleset, routes: routes, sysctls: sysctls,
                                   listeners: listeners, blindSpots: blindSpots)
        model.ruleSource = source
        model.legacy = legacy
        return model
    }
}
