import NetCore
import Route

/// The result of a FIB lookup (`fib_lookup`): the route type, and for unicast the interface and next hop.
struct RouteDecision: Hashable {
    var type: RouteType
    var outputInterface: Int32?
    var gateway: IPAddress?
    var preferredSource: IPAddress?
    var table: RouteTable?
    var destination: IPPrefix?
    /// Set when a policy rule, not a route, decided (blackhole/unreachable/prohibit actions).
    var policyRulePriority: UInt32?

    static let none = RouteDecision(type: .unreachable)
}

/// Routing in one namespace from its rtnetlink data: policy rules in priority order, each pointing at a
/// table; within a table the longest matching prefix, then the lowest metric.
struct Router {
    let model: NamespaceModel

    /// A lookup for a packet to `destination`; `inputInterface` is the arrival interface (`lo` for local output).
    func lookup(_ destination: IPAddress, source: IPAddress?, inputInterface: String?, mark: UInt32,
                proto: UInt8? = nil, destinationPort: UInt16? = nil) -> RouteDecision {
        let family = destination.family
        var rules = model.routes.rules(family: family)
        if rules.isEmpty {
            rules = [PolicyRule(family: family, priority: 0, table: .local), PolicyRule(family: family, priority: 32766, table: .main),
                     PolicyRule(family: family, priority: 32767, table: .default)]
        }
        var index = 0
        while index < rules.count {
            let rule = rules[index]
            index += 1
            guard matches(rule, destination, source, inputInterface ?? "lo", mark, proto, destinationPort) else { continue }
            switch rule.action {
            case .toTable:
                guard var decision = lookup(destination, in: rule.table) else { continue }
                if decision.type == .throw { continue }
                if let suppress = rule.suppressPrefixLength, let prefix = decision.destination, prefix.length <= suppress {
                    continue
                }
                decision.table = rule.table
                return decision
            case .goto:
                if let target = rule.gotoTarget, let next = rules.firstIndex(where: { $0.priority >= target }) {
                    index = max(index, next)
                }
            case .nop:
                continue
            case .blackhole, .unreachable, .prohibit:
                let type: RouteType = rule.action == .blackhole ? .blackhole : rule.action == .unreachable ? .unreachable : .prohibit
                return RouteDecision(type: type, policyRulePriority: rule.priority)
            default:
                continue
            }
        }
        return .none
    }

    private func matches(_ rule: PolicyRule, _ destination: IPAddress, _ source: IPAddress?, _ iif: String,
                         _ mark: UInt32, _ proto: UInt8?, _ port: UInt16?) -> Bool {
        var ok = true
        if let prefix = rule.source, prefix.length > 0 { ok = ok && source.map(prefix.contains) == true }
        if let prefix = rule.destination, prefix.length > 0 { ok = ok && prefix.contains(destination) }
        if let name = rule.inputInterface { ok = ok && name == iif }
        if rule.outputInterface != nil { ok = false }  // only sockets bound to a device carry an oif
        if let fwmark = rule.fwmark { ok = ok && mark & (rule.fwmask ?? 0xffff_ffff) == fwmark }
        if let number = rule.ipProtocol { ok = ok && proto == number }
        if let ports = rule.destinationPorts { ok = ok && port.map(ports.contains) == true }
        if let uids = rule.uidRange { ok = ok && uids.contains(0) }
        return ok != rule.isInverted
    }

    /// Longest prefix, then lowest metric, in one table; local addresses and loopback are added when a
    /// hand-built model has no local table.
    func lookup(_ destination: IPAddress, in table: RouteTable) -> RouteDecision? {
        var candidates = model.routes.routes.filter { $0.table == table && $0.family == destination.family && $0.tos == 0 }
        if table == .local, candidates.isEmpty { candidates = syntheticLocalRoutes(destination.family) }
        let best = candidates.filter { $0.destination.contains(destination) && linkIsUsable($0) }
            .min { a, b in
                a.destination.length != b.destination.length ? a.destination.length > b.destination.length
                    : (a.priority ?? 0) < (b.priority ?? 0)
            }
        guard let best else { return nil }
        let nexthop = best.nexthops.first
        return RouteDecision(type: best.type, outputInterface: best.outputInterface ?? nexthop?.interfaceIndex,
                             gateway: best.gateway ?? nexthop?.gateway, preferredSource: best.preferredSource,
                             destination: best.destination)
    }

    private func linkIsUsable(_ route: Route) -> Bool {
        guard let index = route.outputInterface, let link = model.routes.link(index: index) else { return true }
        return link.isUp
    }

    func syntheticLocalRoutes(_ family: IPFamily) -> [Route] {
        let loopback = model.routes.links.first { $0.flags.contains(.loopback) }?.index
        var routes = model.routes.addresses.filter { $0.family == family }.compactMap { address in
            IPPrefix(address: address.local, length: family.bitWidth).map {
                Route(family: family, table: .local, type: .local, scope: .host, destination: $0,
                      outputInterface: loopback ?? address.interfaceIndex)
            }
        }
        if family == .ipv4, let prefix = IPPrefix("127.0.0.0/8") {
            routes.append(Route(family: .ipv4, table: .local, type: .local, scope: .host, destination: prefix,
                                outputInterface: loopback))
        }
        return routes
    }

    /// The route type of an address (`inet_addr_type` / `inet_dev_addr_type`): LOCAL, BROADCAST,
    /// MULTICAST, UNICAST, or UNREACHABLE when nothing routes it. With `interface`, local addresses count
    /// only when assigned to that interface.
    func addressType(_ address: IPAddress, interface: String?) -> RouteType {
        if case .v4(let value) = address {
            if value == 0xffff_ffff { return .broadcast }
            if value >> 28 == 0xe { return .multicast }
        }
        if let local = lookup(address, in: .local), local.type != .unicast {
            if local.type == .local, let interface {
                let link = model.routes.link(named: interface)
                let owned = model.routes.addresses.contains { $0.local == address && $0.interfaceIndex == link?.index }
                return owned || address.isLoopback ? .local : .unicast
            }
            return local.type
        }
        let decision = lookup(address, source: nil, inputInterface: nil, mark: 0)
        return decision.type == .local ? .local : decision.type == .unicast ? .unicast : decision.type
    }

    /// The source address a local socket gets for a route (`inet_select_addr`): the route's preferred
    /// source, else an address of the output interface on the next hop's subnet, else any global one.
    func sourceAddress(for decision: RouteDecision, destination: IPAddress) -> IPAddress? {
        if let preferred = decision.preferredSource { return preferred }
        let family = destination.family
        let candidates = model.routes.addresses.filter { $0.family == family && $0.scope == .universe }
        let onInterface = candidates.filter { $0.interfaceIndex == decision.outputInterface }
        let target = decision.gateway ?? destination
        if decision.type == .local, model.owns(destination) { return destination }
        return onInterface.first { $0.prefix.contains(target) }?.local ?? onInterface.first?.local
            ?? candidates.first?.local
            ?? (destination.isLoopback ? destination : nil)
    }
}
