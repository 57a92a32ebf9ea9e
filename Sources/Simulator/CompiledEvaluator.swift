import NetCore
import NFTables

/// The compiled matcher behind the ``ChainEvaluator`` protocol, so the path simulator (and the property
/// tests) can run it in place of the interpreter: same verdicts, rules, steps and branch choices. Rules
/// beyond the compiled subset are run by the interpreter's rule evaluation in place.
public struct CompiledEvaluator: ChainEvaluator {
    private let programs: [String: CompiledRuleset]
    private let interpreter = Interpreter()

    /// Compiles every namespace whose rules are in its snapshot (lazily read namespaces are interpreted).
    public init(network: NetworkModel) {
        programs = network.namespaces.compactMapValues { model in
            model.ruleSource == nil ? CompiledRuleset(model.ruleset, routes: CompiledRoutes(model)) : nil
        }
    }

    /// The compiled ruleset of a namespace.
    public func program(_ namespace: String) -> CompiledRuleset? { programs[namespace] }

    public func run(_ chain: Chain, packet: inout Packet, context: HookContext) -> ChainResult {
        guard let program = programs[context.namespace.name], let id = program.chainID(chain) else {
            return interpreter.run(chain, packet: &packet, context: context)
        }
        var fast = FastPacket(packet)
        let links = context.namespace.routes
        if let name = packet.inputInterface, let link = links.link(named: name) {
            fast.inputInterface = link.index
            fast.inputName = Wide(Self.ifname(link.name))
        }
        if let name = packet.outputInterface, let link = links.link(named: name) {
            fast.outputInterface = link.index
            fast.outputName = Wide(Self.ifname(link.name))
        }
        var observer = ContextObserver(program: program, context: context, packet: packet)
        let result = program.run(id, &fast, &observer)
        packet = observer.packet
        packet.mark = fast.mark
        let reference: RuleReference
        if result.position >= 0 {
            reference = context.reference(program.rule(result.chain, result.position))
        } else {
            reference = RuleReference(namespace: context.namespace.name,
                                      backend: context.index.backend(family: chain.family, table: chain.table),
                                      family: chain.family, table: chain.table, chain: chain.name, handle: nil)
        }
        let verdict: ChainVerdict
        switch result.verdict {
        case .accept: verdict = .accept
        case .drop: verdict = .drop
        case .reject(let kind): verdict = .reject(kind)
        case .nat(let action): verdict = .nat(action)
        case .unfollowable(let code): verdict = .unfollowable(Self.unfollowable(code))
        case .needsInterpreter: return interpreter.run(chain, packet: &packet, context: context)  // not reached
        }
        return ChainResult(verdict: verdict, rule: reference)
    }

    static func unfollowable(_ code: Verdict.Code) -> String {
        switch code {
        case .queue: return "queue to user space"
        case .stolen: return "stolen"
        default: return "verdict \(code)"
        }
    }

    static func ifname(_ name: String) -> [UInt8] {
        let bytes = Array(name.utf8.prefix(15))
        return bytes + [UInt8](repeating: 0, count: 16 - bytes.count)
    }
}

extension CompiledRuleset {
    func rule(_ chain: Int32, _ position: Int32) -> Rule {
        sourceRules[Int(chains[Int(chain)].ruleIDs[Int(position)])]
    }
}

/// Records what the interpreter would: steps, warnings, branch choices through the trail's cursor.
private struct ContextObserver: CompiledObserver {
    let program: CompiledRuleset
    let context: HookContext
    var packet: Packet

    func chain(_ id: Int32) -> Chain {
        let compiled = program.chains[Int(id)]
        return context.index.chain(family: compiled.family, table: compiled.table, name: compiled.name)
            ?? Chain(family: compiled.family, table: compiled.table, name: compiled.name)
    }

    mutating func choose(probability: Double, label: Int32) -> Int {
        context.trail.cursor.choose(.random([probability, 1 - probability]),
                                    labels: [program.labels[Int(label)], "statistic does not match"])
    }

    mutating func interpret(chain id: Int32, rule position: Int32, packet fast: inout FastPacket) -> CompiledAction?? {
        let rule = program.rule(id, position)
        packet.mark = fast.mark
        var evaluation = RuleEvaluation(rule: rule, context: context)
        let result = evaluation.run(&packet)
        if !evaluation.effects.isEmpty {
            context.record(rule, chain: chain(id), effect: evaluation.effects.joined(separator: ", "))
        }
        fast.mark = packet.mark
        fast.ctState = packet.conntrack.state.rawValue
        switch result {
        case .noMatch: return .some(nil)
        case .fallThrough: return .some(.fallThrough)
        case .nat(let action): return .some(.nat(action))
        case .reject(let kind): return .some(.reject(kind))
        case .verdict(let verdict):
            switch verdict.code {
            case .continue: return .some(.fallThrough)
            case .accept: return .some(.accept)
            case .drop: return .some(.drop)
            case .stolen, .queue: return .some(.unfollowable(verdict.code))
            case .return: return .some(.return)
            case .jump, .goto:
                guard let target = verdict.chain,
                      let next = program.chainIDs[RulesetIndex.ChainKey(family: rule.family, table: rule.table, chain: target)]
                else { return .some(.missingTarget) }
                return .some(verdict.code == .jump ? .jump(next) : .goto(next))
            default:
                context.trail.warn("verdict \(verdict.code) in rule \(rule.handle) is not simulated")
                return .some(.unfollowable(verdict.code))
            }
        }
    }

    mutating func markSet(chain id: Int32, rule position: Int32, mark: UInt32) {
        packet.mark = mark
        context.record(program.rule(id, position), chain: chain(id), effect: "MARK set 0x\(String(mark, radix: 16))")
    }

    mutating func record(chain id: Int32, rule position: Int32, action: CompiledAction) {
        let effect: String
        switch action {
        case .accept: effect = Verdict.Code.accept.description
        case .drop: effect = Verdict.Code.drop.description
        case .unfollowable(let code): effect = code.description
        case .nat(let nat): effect = "\(nat) (accept)"
        case .reject(let kind): effect = "reject with \(kind)"
        case .jump(let target): effect = "\(Verdict.Code.jump) \(program.chains[Int(target)].name)"
        case .goto(let target): effect = "\(Verdict.Code.goto) \(program.chains[Int(target)].name)"
        case .return: effect = "return"
        case .fallThrough, .missingTarget: return
        }
        context.record(program.rule(id, position), chain: chain(id), effect: effect)
    }

    mutating func recordPolicy(chain id: Int32, code: Verdict.Code) {
        context.record(nil, chain: chain(id), effect: "policy \(code)")
    }

    mutating func warnMissingTarget(chain id: Int32, rule position: Int32) {
        context.trail.warn("rule \(program.rule(id, position).handle) jumps to a chain that is not in the snapshot")
    }

    mutating func warnDeepStack() {
        context.trail.warn("jump stack deeper than 16: the kernel drops such a packet")
    }
}
