import NetCore
import NFTables
import Render
import Simulator

extension DoctorContext {
    /// `forward_drop_for_pods`, by the rules' shape: a drop or reject reachable from a forward or input base
    /// chain of the node (any table but kube-proxy's) whose own match and the jumps leading to it do not
    /// exclude pod sources, before an accept that takes all pod traffic. Confirmed flows (from the
    /// simulation) merge into the same finding.
    func podTrafficDrops() -> [Finding] {
        guard let graph = graphs[node] else { return [] }
        let podAddresses = podsExamined.flatMap(\.addresses).compactMap(IPAddress.init)
        guard !podAddresses.isEmpty else { return [] }
        let podInterfaces = podFacingInterfaces()
        var findings: [Finding] = []
        for chain in graph.baseChains {
            guard let base = chain.base, base.type == "filter", base.hook == .forward || base.hook == .input,
                  chain.table != "kube-proxy" else { continue }
            var visited: Set<String> = []
            var stop = false
            // `conditional`: some jump on the way has a match, so an accept there does not take all pod traffic.
            func walk(_ name: String, path: [Rule], conditional: Bool) {
                guard !stop, visited.insert(name).inserted, !DoctorContext.isKubeProxy(table: chain.table, chain: name) else { return }
                for rule in graph.rules(chain.family, chain.table, name) {
                    if stop { return }
                    let conditions = PodConditions(rule, podAddresses: podAddresses, podInterfaces: podInterfaces)
                    if conditions.excludesPods { continue }
                    let shape = RuleShape(rule)
                    if shape.verdict?.code == .accept, conditions.takesAllPodTraffic, !conditional { stop = true; return }
                    if let target = shape.target {
                        walk(target, path: path + [rule], conditional: conditional || !conditions.unconditional)
                        continue
                    }
                    guard shape.blocks else { continue }
                    var evidence = [Evidence.rule(self.evidence(rule, in: node))]
                    evidence += path.reversed().map { .rule(self.evidence($0, in: node)) }
                    let hook = base.hook.name(in: chain.family)
                    findings.append(Finding(
                        check: .forwardDropForPods, severity: .error,
                        summary: "\(chain.family) \(chain.table) \(rule.chain) \(shape.reject ? "rejects" : "drops") traffic "
                            + "that pods can send (\(hook) hook, reached from \(chain.name))",
                        evidence: evidence,
                        fix: "allow the pod CIDR to the service's endpoints in that chain (or the firewall, Docker "
                            + "DOCKER-USER, or NetworkPolicy that wrote it), or remove the rule"))
                }
            }
            walk(chain.name, path: [], conditional: false)
        }
        return findings
    }

    /// Node interfaces that carry pod traffic: the veths to pods and the bridges they are enslaved to.
    func podFacingInterfaces() -> Set<String> {
        guard let nodeModel else { return [] }
        let podPorts = nodeModel.routes.links.filter { link in
            nodeModel.peers[link.index].map { pods.contains($0.namespace) } ?? false
        }
        let bridges = Set(podPorts.compactMap(\.masterIndex))
        return Set(podPorts.map(\.name) + nodeModel.routes.links.filter { bridges.contains($0.index) }.map(\.name))
    }
}

/// What a rule's own match says about pod traffic, read from its iptables form (iptables-nft tables) or
/// its nft rendering (`ip saddr …`, `iifname …`, `ct state invalid`). Conservative: what cannot be read
/// counts as matching pods.
struct PodConditions {
    var excludesPods = false
    var takesAllPodTraffic = false
    /// No match at all (a comment at most).
    var unconditional = false

    init(_ rule: Rule, podAddresses: [IPAddress], podInterfaces: Set<String>) {
        var source: (prefix: IPPrefix, negated: Bool)?
        var inInterface: (name: String, negated: Bool)?
        var onlyInvalid = false
        var otherMatches = false
        if (rule.family == .ip || rule.family == .ip6), case .rule(let decoded) = IptablesDecoder(family: rule.family).decode(rule) {
            let args = decoded.arguments
            var index = 0
            while index < args.count {
                let negated = index > 0 && args[index - 1] == "!"
                let value = index + 1 < args.count ? args[index + 1] : ""
                switch args[index] {
                case "-s": source = PodConditions.prefix(value).map { ($0, negated) }; index += 1
                case "-i": inInterface = (value, negated); index += 1
                case "--ctstate", "--state": onlyInvalid = value == "INVALID" && !negated; otherMatches = true; index += 1
                case "-j", "-g": index = args.count
                case "--comment": index += 1
                case "-m": if value == "comment" { index += 1 }
                case "!": break
                default: otherMatches = true
                }
                index += 1
            }
        } else {
            let text = NFTRenderer(structure: RulesetStructure()).render(rule).text
            let words = text.split(separator: " ").map(String.init)
            for (index, word) in words.enumerated() where index + 1 < words.count {
                let next = words[index + 1]
                if word == "saddr", next != "!=" { source = PodConditions.prefix(next).map { ($0, false) } }
                if word == "saddr", next == "!=", index + 2 < words.count { source = PodConditions.prefix(words[index + 2]).map { ($0, true) } }
                if word == "iifname", next != "!=" { inInterface = (next.trimmingCharacters(in: ["\""]), false) }
                if word == "state", next == "invalid" { onlyInvalid = true }
            }
            otherMatches = true
        }
        unconditional = source == nil && inInterface == nil && !otherMatches
        if onlyInvalid { excludesPods = true }
        if let source {
            let covered = podAddresses.filter { source.prefix.contains($0) }
            if source.negated ? covered.count == podAddresses.count : covered.isEmpty { excludesPods = true }
            if !source.negated, covered.count == podAddresses.count, inInterface == nil, !otherMatches { takesAllPodTraffic = true }
        }
        if let inInterface, !inInterface.negated {
            let name = inInterface.name
            let matches = name.hasSuffix("+") ? podInterfaces.contains { $0.hasPrefix(name.dropLast()) } : podInterfaces.contains(name)
            if !matches { excludesPods = true }
        }
    }

    static func prefix(_ text: String) -> IPPrefix? {
        IPPrefix(text) ?? IPAddress(text).flatMap { IPPrefix(address: $0, length: $0.family == .ipv4 ? 32 : 128) }
    }
}
