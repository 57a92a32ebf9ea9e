import NetCore
import Route

/// A namespace's IPv4 routing compiled for the hot path: per table, one hash map per prefix length
/// (longest first), the lowest metric kept per prefix. Only for the default policy rules (local, main,
/// default); otherwise `isExact` is false and callers use the ``Router``.
struct CompiledRoutes: Sendable {
    struct Entry: Sendable {
        var type: RouteType
        var outputInterface: Int32
        var gateway: UInt32?
        var preferredSource: UInt32?
    }

    /// The prefixes of one length: an open-addressing table of (network, entry), at most half full.
    struct Level: Sendable {
        var length: Int
        var mask: UInt32
        var keys: [UInt32]
        /// Entry index + 1; 0 marks an empty slot.
        var values: [Int32]

        init(length: Int, mask: UInt32, map: [UInt32: Int32]) {
            self.length = length
            self.mask = mask
            var capacity = 4
            while capacity < map.count * 2 { capacity *= 2 }
            keys = Array(repeating: 0, count: capacity)
            values = Array(repeating: 0, count: capacity)
            for (network, entry) in map {
                var index = Level.slot(network, capacity)
                while values[index] != 0 { index = (index + 1) & (capacity - 1) }
                keys[index] = network
                values[index] = entry + 1
            }
        }

        @inline(__always)
        static func slot(_ key: UInt32, _ capacity: Int) -> Int {
            Int(truncatingIfNeeded: (UInt64(key) &* 0x9e37_79b9_7f4a_7c15) >> 32) & (capacity - 1)
        }

        @inline(__always)
        func find(_ address: UInt32) -> Int32? {
            let key = address & mask
            var index = Level.slot(key, keys.count)
            while true {
                let value = values[index]
                if value == 0 { return nil }
                if keys[index] == key { return value - 1 }
                index = (index + 1) & (keys.count - 1)
            }
        }
    }

    /// local, main, default.
    private(set) var tables: [[Level]] = []
    private(set) var entries: [Entry] = []
    /// Universe-scope IPv4 addresses with their interface and prefix (masquerade's source choice).
    private(set) var addresses: [(interface: Int32, network: UInt32, mask: UInt32, local: UInt32)] = []
    let isExact: Bool

    init(_ model: NamespaceModel) {
        let rules = model.routes.rules(family: .ipv4)
        let defaultTables: [RouteTable] = [.local, .main, .default]
        isExact = rules.isEmpty || (rules.count == 3 && zip(rules, defaultTables).allSatisfy { rule, table in
            rule.table == table && rule.action == .toTable && (rule.source?.length ?? 0) == 0
                && (rule.destination?.length ?? 0) == 0 && rule.inputInterface == nil && rule.outputInterface == nil
                && rule.fwmark == nil && rule.ipProtocol == nil && rule.destinationPorts == nil && rule.sourcePorts == nil
                && rule.uidRange == nil && !rule.isInverted && rule.suppressPrefixLength == nil
        })
        let router = Router(model: model)
        for table in defaultTables {
            var routes = model.routes.routes.filter { $0.table == table && $0.family == .ipv4 && $0.tos == 0 }
            if table == .local, routes.isEmpty { routes = router.syntheticLocalRoutes(.ipv4) }
            routes = routes.filter { route in
                guard let index = route.outputInterface, let link = model.routes.link(index: index) else { return true }
                return link.isUp
            }
            var byLength: [Int: [UInt32: (UInt32, Int32)]] = [:]
            for route in routes {
                guard case .v4(let network) = route.destination.network else { continue }
                let nexthop = route.nexthops.first
                let entry = Entry(type: route.type, outputInterface: route.outputInterface ?? nexthop?.interfaceIndex ?? 0,
                                  gateway: Self.v4(route.gateway ?? nexthop?.gateway), preferredSource: Self.v4(route.preferredSource))
                let metric = route.priority ?? 0
                if let existing = byLength[route.destination.length]?[network], existing.0 <= metric { continue }
                entries.append(entry)
                byLength[route.destination.length, default: [:]][network] = (metric, Int32(entries.count - 1))
            }
            tables.append(byLength.keys.sorted(by: >).map { length in
                Level(length: length, mask: length == 0 ? 0 : UInt32.max << (32 - length),
                      map: byLength[length]!.mapValues(\.1))
            })
        }
        for address in model.routes.addresses where address.family == .ipv4 && address.scope == .universe {
            guard case .v4(let local) = address.local else { continue }
            let mask: UInt32 = address.prefix.length == 0 ? 0 : UInt32.max << (32 - address.prefix.length)
            addresses.append((address.interfaceIndex, local & mask, mask, local))
        }
    }

    private static func v4(_ address: IPAddress?) -> UInt32? {
        if case .v4(let value)? = address { return value }
        return nil
    }

    /// Longest prefix in one table (0 local, 1 main, 2 default).
    func lookup(_ address: UInt32, table: Int) -> Int32? {
        for level in tables[table] {
            if let entry = level.find(address) { return entry }
        }
        return nil
    }

    /// The policy-rule walk over the default tables; a `throw` route moves on to the next table.
    func lookup(_ address: UInt32) -> Int32? {
        for table in 0..<3 {
            if let entry = lookup(address, table: table), entries[Int(entry)].type != .throw { return entry }
        }
        return nil
    }

    /// `addrtype --dst-type LOCAL` without an interface (the interpreter's `Router.addressType`).
    func isLocal(_ address: Wide128, ipv6: Bool) -> Bool {
        guard !ipv6 else { return false }
        let value = UInt32(truncatingIfNeeded: address.lo)
        if value == 0xffff_ffff || value >> 28 == 0xe { return false }
        if let local = lookup(value, table: 0), entries[Int(local)].type != .unicast {
            return entries[Int(local)].type == .local
        }
        return lookup(value).map { entries[Int($0)].type == .local } ?? false
    }

    /// The source address masquerade picks for a route (`Router.sourceAddress`).
    func masqueradeSource(_ entry: Entry, destination: UInt32) -> UInt32? {
        if let preferred = entry.preferredSource { return preferred }
        let target = entry.gateway ?? destination
        var firstOnInterface: UInt32?
        for address in addresses where address.interface == entry.outputInterface {
            if target & address.mask == address.network { return address.local }
            if firstOnInterface == nil { firstOnInterface = address.local }
        }
        return firstOnInterface ?? addresses.first?.local
    }
}
