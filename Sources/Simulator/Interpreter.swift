import NetCore
import NFTables

/// The reference semantics: runs a base chain's rules expression by expression with the kernel's register
/// file and verdict rules (`nft_do_chain`): a rule stops at the first expression that breaks or sets a
/// verdict; `jump` pushes a return point (at most 16 deep, `NFT_JUMP_STACK_SIZE`), `goto` does not;
/// `return` and the end of a non-base chain pop; the end of the base chain applies its policy. `accept`
/// ends only this base chain; `drop` and `reject` end the packet.
public struct Interpreter: ChainEvaluator {
    public init() {}

    /// Where a rule run stopped.
    enum RuleResult {
        /// An expression broke (`NFT_BREAK`): the rule did not match.
        case noMatch
        /// All expressions ran without a verdict.
        case fallThrough
        case verdict(Verdict)
        case nat(NatAction)
        case reject(RejectKind)
    }

    private struct Frame {
        var chain: Chain
        var rules: [Rule]
        var next: Int
    }

    public func run(_ chain: Chain, packet: inout Packet, context: HookContext) -> ChainResult {
        run(chain, packet: &packet, context: context) { chain, packet in
            context.index.rules(of: chain, for: packet)
        }
    }

    /// The chain walk with a rule selection: given a chain and the packet, the rules that may match, in
    /// order. Leaving out a rule is only correct when the rule could not match the packet and would have
    /// had no effect (the dispatch evaluator leaves out rules whose leading exact matches fail).
    func run(_ chain: Chain, packet: inout Packet, context: HookContext,
             select: (Chain, Packet) -> [Rule]) -> ChainResult {
        let policy = chain.base?.policy ?? .accept
        var stack: [Frame] = []
        var frame = Frame(chain: chain, rules: select(chain, packet), next: 0)
        while true {
            guard frame.next < frame.rules.count else {
                if let caller = stack.popLast() { frame = caller; continue }
                return policyResult(policy, chain: chain, context: context)
            }
            let rule = frame.rules[frame.next]
            frame.next += 1
            var evaluation = RuleEvaluation(rule: rule, context: context)
            let result = evaluation.run(&packet)
            if !evaluation.effects.isEmpty {
                context.record(rule, chain: frame.chain, effect: evaluation.effects.joined(separator: ", "))
            }
            switch result {
            case .noMatch, .fallThrough:
                continue
            case .nat(let action):
                context.record(rule, chain: frame.chain, effect: "\(action) (accept)")
                return ChainResult(verdict: .nat(action), rule: context.reference(rule))
            case .reject(let kind):
                context.record(rule, chain: frame.chain, effect: "reject with \(kind)")
                return ChainResult(verdict: .reject(kind), rule: context.reference(rule))
            case .verdict(let verdict):
                switch verdict.code {
                case .continue:
                    continue
                case .accept, .drop, .stolen, .queue:
                    context.record(rule, chain: frame.chain, effect: verdict.code.description)
                    return ChainResult(verdict: chainVerdict(verdict.code), rule: context.reference(rule))
                case .jump, .goto:
                    guard let target = verdict.chain,
                          let next = context.index.chain(family: frame.chain.family, table: frame.chain.table, name: target)
                    else {
                        context.trail.warn("rule \(rule.handle) jumps to a chain that is not in the snapshot")
                        continue
                    }
                    context.record(rule, chain: frame.chain, effect: "\(verdict.code) \(target)")
                    if verdict.code == .jump {
                        guard stack.count < 16 else {
                            context.trail.warn("jump stack deeper than 16: the kernel drops such a packet")
                            return ChainResult(verdict: .drop, rule: context.reference(rule))
                        }
                        stack.append(frame)
                    }
                    frame = Frame(chain: next, rules: select(next, packet), next: 0)
                case .return:
                    context.record(rule, chain: frame.chain, effect: "return")
                    if let caller = stack.popLast() { frame = caller } else {
                        return policyResult(policy, chain: chain, context: context)
                    }
                default:
                    context.trail.warn("verdict \(verdict.code) in rule \(rule.handle) is not simulated")
                    return ChainResult(verdict: .unfollowable("verdict \(verdict.code)"), rule: context.reference(rule))
                }
            }
        }
    }

    private func policyResult(_ policy: Verdict.Code, chain: Chain, context: HookContext) -> ChainResult {
        context.record(nil, chain: chain, effect: "policy \(policy)")
        let reference = context.index.reference(namespace: context.namespace.name, chain: chain, rule: nil)
        return ChainResult(verdict: chainVerdict(policy), rule: reference)
    }

    private func chainVerdict(_ code: Verdict.Code) -> ChainVerdict {
        switch code {
        case .accept: return .accept
        case .drop: return .drop
        case .queue: return .unfollowable("queue to user space")
        case .stolen: return .unfollowable("stolen")
        default: return .unfollowable("verdict \(code)")
        }
    }
}
