import NetCore
import NFTables

/// Whether a hook let the packet pass.
enum HookEnd {
    case pass
    case stop(PathRun.Leg)
}

extension PathRun {
    /// Every base chain of a hook in the namespace, in priority order, with the NAT core in its slot.
    func runHook(_ hook: Hook, _ namespace: String, _ packet: inout Packet) -> HookEnd {
        guard let index = simulator.indexes[namespace] else { return .pass }
        for slot in index.hookGroups(hook, family: packet.family) {
            switch slot {
            case .chains(let chains, let beforeConntrack):
                for chain in orderedChains([chains], hook: hook, namespace: namespace) {
                    // Before conntrack the packet has no entry: `ct state` loads invalid.
                    let tracked = packet.conntrack
                    if beforeConntrack { packet.conntrack = ConntrackView(state: .invalid) }
                    let result = evaluate(chain, hook, namespace, &packet)
                    if beforeConntrack {
                        if packet.conntrack.state == .untracked { trail.warn("notrack in \(chain.table)/\(chain.name) is not simulated; the flow is treated as tracked") }
                        packet.conntrack = tracked
                    }
                    if case .accept = result.verdict { continue }
                    if case .nat = result.verdict { continue }  // a nat statement outside a nat chain is refused by the kernel
                    return end(result, namespace, packet)
                }
            case .nat(let groups):
                if case .stop(let leg) = natCore(hook, namespace, &packet, groups: groups) { return .stop(leg) }
            }
        }
        return .pass
    }

    /// Runs one base chain with the configured evaluator.
    func evaluate(_ chain: Chain, _ hook: Hook, _ namespace: String, _ packet: inout Packet) -> ChainResult {
        guard let model = model(namespace), let index = simulator.indexes[namespace] else {
            return ChainResult(verdict: .accept, rule: nil)
        }
        let context = HookContext(namespace: model, index: index, router: Router(model: model), hook: hook, trail: trail)
        return simulator.evaluator.run(chain, packet: &packet, context: context)
    }

    /// The chains of each priority group in the order this run assumes: the kernel runs equal-priority
    /// chains most-recently-registered first and does not say which that is, so every order is a branch.
    func orderedChains(_ groups: [[Chain]], hook: Hook, namespace: String) -> [Chain] {
        var ordered: [Chain] = []
        for group in groups {
            guard group.count > 1 else { ordered += group; continue }
            // A chain without rules whose policy accepts does nothing: the order matters only among the others.
            let index = simulator.indexes[namespace]
            let active = group.filter { chain in
                chain.base?.policy != .accept
                    || !(index?.rules(family: chain.family, table: chain.table, chain: chain.name).isEmpty ?? false)
            }
            guard active.count > 1 else { ordered += group; continue }
            guard group.count <= 4 else {
                trail.warn("\(group.count) base chains share a priority at \(hook.name(in: .inet)) in \(namespace); only their listed order is simulated")
                ordered += group
                continue
            }
            let orders = permutations(group)
            let labels = orders.map { order in
                "\(namespace) \(hook.name(in: .inet)): " + order.map { chain in
                    simulator.indexes[namespace]?.label(chain) ?? "\(chain.family) \(chain.table) \(chain.name)"
                }.joined(separator: " before ")
            }
            ordered += orders[trail.cursor.choose(.order(orders.count), labels: labels)]
        }
        return ordered
    }

    private func permutations(_ chains: [Chain]) -> [[Chain]] {
        guard chains.count > 1 else { return [chains] }
        var result: [[Chain]] = []
        for (i, chain) in chains.enumerated() {
            var rest = chains
            rest.remove(at: i)
            result += permutations(rest).map { [chain] + $0 }
        }
        return result
    }

    /// A base chain that did not accept: the packet ends here, or an answer goes back.
    func end(_ result: ChainResult, _ namespace: String, _ packet: Packet) -> HookEnd {
        let place = result.rule.map(describe) ?? "a chain in \(namespace)"
        switch result.verdict {
        case .accept, .nat:
            return .pass
        case .drop:
            verdict = .drop
            decisive = result.rule
            let reason = answer == nil ? "dropped by \(place)" : "\(answer!.kind.description) is dropped by \(place)"
            return .stop(.finished(Outcome(.timeout, reason)))
        case .reject(let kind):
            verdict = .reject
            decisive = result.rule
            if let answer {
                return .stop(.finished(Outcome(.timeout, "\(answer.kind.description) is rejected by \(place)")))
            }
            let answerKind: AnswerKind
            switch kind {
            case .tcpReset: answerKind = .tcpReset
            case .icmpPortUnreachable: answerKind = .icmpPortUnreachable
            case .icmpUnreachable(let name): answerKind = .icmpUnreachable(name)
            }
            return .stop(.answered(answerKind, namespace: namespace, packet: packet))
        case .unfollowable(let what):
            decisive = result.rule
            return .stop(.finished(Outcome(.unknown, "\(place) hands the packet on (\(what)), which nfscope cannot follow")))
        }
    }

    func describe(_ rule: RuleReference) -> String {
        if rule.backend == LegacyRuleset.backend {
            let position = rule.handle.map { "rule \($0)" } ?? "the policy"
            return "\(position) of iptables-legacy \(rule.family) \(rule.table) \(rule.chain) in \(rule.namespace)"
        }
        let handle = rule.handle.map { "rule handle \($0)" } ?? "the policy"
        return "\(handle) of \(rule.family) \(rule.table) \(rule.chain) in \(rule.namespace)"
    }
}
