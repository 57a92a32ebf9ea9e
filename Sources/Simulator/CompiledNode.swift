import NetCore
import NFTables
import Route

/// The random choices of one hot-path run: bit i of `bits` picks option 1 at the i-th choice point.
/// Caller-owned; `probability` accumulates the chosen options' probabilities.
public struct BranchChoices: Hashable, Sendable {
    public var bits: UInt64
    public private(set) var count = 0
    public private(set) var probability = 1.0

    public init(bits: UInt64 = 0) { self.bits = bits }

    mutating func take(_ p: Double) -> Int {
        let option = count < 64 ? Int(bits >> UInt64(count) & 1) : 0
        count += 1
        probability *= option == 0 ? p : 1 - p
        return option
    }
}

/// Where a packet arriving at a namespace ends up, by the compiled hot path.
public struct ArrivalOutcome: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// Routed out of `outputInterface` after FORWARD and POSTROUTING.
        case forwarded
        /// For this namespace, past INPUT (the listener lookup is not part of the hot path).
        case local
        case dropped
        case rejected(RejectKind)
        /// No route, blackhole, forwarding off or a martian: routing decided.
        case routing
        /// Queued or stolen by a rule.
        case unfollowable
        /// Beyond the compiled subset: simulate this packet with the interpreter.
        case needsInterpreter
    }

    public var kind: Kind
    public var outputInterface: Int32 = 0
    /// The deciding rule: compiled chain and position (-1: a policy or none).
    public var decisiveChain: Int32 = -1
    public var decisivePosition: Int32 = -1
}

/// A namespace compiled for the hot path: its hooks' base chains in kernel order (the NAT core in its
/// slot), its IPv4 routing, and the compiled ruleset. `forward` takes one new IPv4 connection's first
/// packet arriving on an interface through PREROUTING, the routing decision, FORWARD and POSTROUTING (or
/// INPUT), with conntrack's NAT, and allocates nothing.
public final class CompiledNode: Sendable {
    enum Slot: Sendable {
        case chain(Int32, beforeConntrack: Bool)
        case nat([Int32])
    }

    public let ruleset: CompiledRuleset
    let hooks: [[Slot]]  // prerouting, input, forward, postrouting
    /// The dispatch classes an arriving packet meets first in PREROUTING, whose key slots `forward`
    /// prefetches on entry (see `CompiledRuleset.entryClasses`).
    let entryClasses: [Int32]
    /// Interface names (16 NUL-padded bytes) by index; indexes past the end have no name.
    let interfaceNames: [Wide]
    let interfaceAddresses: [Int32: UInt32]
    let forwarding: Bool
    /// False when the namespace has something the hot path does not model (policy routing, rp_filter,
    /// route_localnet, equal-priority base chains): every packet then reports `needsInterpreter`.
    public let isExact: Bool
    public let model: NamespaceModel

    public init(model: NamespaceModel) {
        self.model = model
        let routes = CompiledRoutes(model)
        let ruleset = CompiledRuleset(model.ruleset, routes: routes)
        self.ruleset = ruleset
        // Only base chains order the hooks: an index of them alone skips indexing every chain and rule.
        var baseOnly = model.ruleset.structure
        baseOnly.chains = baseOnly.chains.filter { $0.base != nil }
        baseOnly.sets = []
        let index = RulesetIndex(RulesetSnapshot(structure: baseOnly, rules: []))
        var exact = routes.isExact && model.ruleSource == nil
        hooks = [Hook.prerouting, .input, .forward, .postrouting].map { hook in
            index.hookGroups(hook, family: .ipv4).flatMap { slot -> [Slot] in
                switch slot {
                case .chains(let chains, let before):
                    if chains.count > 1 { exact = false }
                    return chains.compactMap { ruleset.chainID($0) }.map { Slot.chain($0, beforeConntrack: before) }
                case .nat(let groups):
                    if groups.contains(where: { $0.count > 1 }) { exact = false }
                    return [.nat(groups.flatMap { $0 }.compactMap { ruleset.chainID($0) })]
                }
            }
        }
        entryClasses = Array(hooks[0].flatMap { slot -> [Int32] in
            switch slot {
            case .chain(let id, _): return ruleset.entryClasses(id)
            case .nat(let ids): return ids.flatMap { ruleset.entryClasses($0) }
            }
        }.prefix(8))
        let sysctls = model.sysctls
        if sysctls.reversePathFilter.all != 0 || sysctls.reversePathFilter.default != 0
            || sysctls.routeLocalnet.all != 0 || sysctls.routeLocalnet.default != 0 { exact = false }
        isExact = exact
        forwarding = sysctls.ipv4Forwarding
        let highest = Int(min(model.routes.links.map(\.index).max() ?? 0, 1 << 20))
        var names = Array(repeating: Wide.zero, count: highest + 1)
        for link in model.routes.links where link.index >= 0 && Int(link.index) <= highest {
            names[Int(link.index)] = Wide(CompiledEvaluator.ifname(link.name))
        }
        interfaceNames = names
        var primary: [Int32: UInt32] = [:]
        for address in model.routes.addresses where address.family == .ipv4 {
            if case .v4(let value) = address.local, primary[address.interfaceIndex] == nil { primary[address.interfaceIndex] = value }
        }
        interfaceAddresses = primary
    }

    /// The interface index of a name.
    public func interfaceIndex(_ name: String) -> Int32? { model.routes.link(named: name)?.index }

    /// One new connection's first packet arriving on `interface` (an index); the packet is NATed in place.
    public func forward(_ packet: inout FastPacket, arrivingOn interface: Int32, choices: inout BranchChoices) -> ArrivalOutcome {
        guard isExact, !packet.isIPv6 else { return ArrivalOutcome(kind: .needsInterpreter) }
        packet.inputInterface = interface
        packet.inputName = name(interface)
        packet.outputInterface = 0
        packet.outputName = .zero
        packet.ctState = ConntrackState.new.rawValue
        packet.ctStatus = 0
        for index in entryClasses { ruleset.prefetchSlot(index, packet) }
        var observer = HotObserver(choices: choices)
        defer { choices = observer.choices }
        if let stop = runHook(0, &packet, &observer) { return stop }
        let destination = UInt32(truncatingIfNeeded: packet.destination.lo)
        let source = UInt32(truncatingIfNeeded: packet.source.lo)
        if destination >> 24 == 127 || source >> 24 == 127 { return ArrivalOutcome(kind: .routing) }  // martian
        let routes = ruleset.routes
        guard let entryID = routes.lookup(destination) else { return ArrivalOutcome(kind: .routing) }
        let entry = routes.entries[Int(entryID)]
        switch entry.type {
        case .local:
            if let stop = runHook(1, &packet, &observer) { return stop }
            return ArrivalOutcome(kind: .local)
        case .unicast:
            guard forwarding else { return ArrivalOutcome(kind: .routing) }
            packet.outputInterface = entry.outputInterface
            packet.outputName = name(entry.outputInterface)
            if let stop = runHook(2, &packet, &observer) { return stop }
            if let stop = runHook(3, &packet, &observer) { return stop }
            return ArrivalOutcome(kind: .forwarded, outputInterface: entry.outputInterface)
        default:
            return ArrivalOutcome(kind: .routing)
        }
    }

    @inline(__always)
    private func name(_ index: Int32) -> Wide {
        index >= 0 && Int(index) < interfaceNames.count ? interfaceNames[Int(index)] : .zero
    }

    /// A hook's slots; nil when the packet passes.
    private func runHook(_ hook: Int, _ packet: inout FastPacket, _ observer: inout HotObserver) -> ArrivalOutcome? {
        for slot in hooks[hook] {
            switch slot {
            case .chain(let id, let before):
                let state = packet.ctState, status = packet.ctStatus
                if before { packet.ctState = ConntrackState.invalid.rawValue; packet.ctStatus = 0 }
                let result = ruleset.run(id, &packet, &observer)
                if before { packet.ctState = state; packet.ctStatus = status }
                switch result.verdict {
                case .accept, .nat: continue
                default: return stop(result)
                }
            case .nat(let chains):
                for id in chains {
                    let result = ruleset.run(id, &packet, &observer)
                    switch result.verdict {
                    case .accept: continue
                    case .nat(let action): apply(action, hook: hook, &packet)
                    default: return stop(result)
                    }
                    break
                }
            }
        }
        return nil
    }

    private func stop(_ result: CompiledChainResult) -> ArrivalOutcome {
        let kind: ArrivalOutcome.Kind
        switch result.verdict {
        case .drop: kind = .dropped
        case .reject(let reject): kind = .rejected(reject)
        case .unfollowable: kind = .unfollowable
        default: kind = .needsInterpreter
        }
        return ArrivalOutcome(kind: kind, decisiveChain: result.chain, decisivePosition: result.position)
    }

    /// The NAT core's mapping, applied to the packet at once (the flow's only packet here).
    private func apply(_ action: NatAction, hook: Int, _ packet: inout FastPacket) {
        switch action.kind {
        case .dnat:
            if let address = action.address { packet.destination = Wide128(address) }
            if let port = action.port { packet.destinationPort = port }
            packet.ctStatus |= ConntrackView.statusDestinationNAT
        case .redirect:
            if let local = interfaceAddresses[packet.inputInterface] { packet.destination = Wide128(hi: 0, lo: UInt64(local)) }
            if let port = action.port { packet.destinationPort = port }
            packet.ctStatus |= ConntrackView.statusDestinationNAT
        case .snat:
            if let address = action.address { packet.source = Wide128(address) }
            if let port = action.port { packet.sourcePort = port }
            packet.ctStatus |= ConntrackView.statusSourceNAT
        case .masquerade:
            let routes = ruleset.routes
            let destination = UInt32(truncatingIfNeeded: packet.destination.lo)
            if let entry = routes.lookup(destination),
               let source = routes.masqueradeSource(routes.entries[Int(entry)], destination: destination) {
                packet.source = Wide128(hi: 0, lo: UInt64(source))
            }
            if let port = action.port { packet.sourcePort = port }
            packet.ctStatus |= ConntrackView.statusSourceNAT
        }
    }
}

/// The hot path's observer: branches from the caller's choices, nothing recorded, no interpreter.
struct HotObserver: CompiledObserver {
    var choices: BranchChoices

    mutating func choose(probability: Double, label: Int32) -> Int { choices.take(probability) }
    mutating func interpret(chain: Int32, rule: Int32, packet: inout FastPacket) -> CompiledAction?? { nil }
    mutating func markSet(chain: Int32, rule: Int32, mark: UInt32) {}
    mutating func record(chain: Int32, rule: Int32, action: CompiledAction) {}
    mutating func recordPolicy(chain: Int32, code: Verdict.Code) {}
    mutating func warnMissingTarget(chain: Int32, rule: Int32) {}
    mutating func warnDeepStack() {}
}
