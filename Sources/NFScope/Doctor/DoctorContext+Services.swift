import NetCore
import NFTables
import Simulator

extension DoctorContext {
    /// `service_without_endpoints`: kube-proxy rejects the service port because it has no ready endpoints.
    func servicesWithoutEndpoints() -> [Finding] {
        services.services.filter { !$0.hasEndpoints }.map { service in
            Finding(check: .serviceWithoutEndpoints, severity: .warning,
                    summary: "service \(service.label) has no endpoints, so kube-proxy rejects connections to it",
                    evidence: service.rejectEvidence.map { [$0] } ?? [],
                    fix: "check the service's selector and that its pods are Ready (kubectl get endpointslices -l "
                        + "kubernetes.io/service-name=\(service.reference.split(separator: "/").last?.split(separator: ":").first ?? "")); "
                        + "delete the service if it is unused")
        }
    }

    /// Simulates pod → each service port (with endpoints) and reports flows that fail because of a rule that
    /// is not kube-proxy's: a DNAT/REDIRECT that captures them (`nat_capture_before_kube_proxy`, or
    /// `sidecar_redirect_without_listener` inside the pod), or a drop/reject (`forward_drop_for_pods`).
    func serviceFlowFindings(maxServicePorts: Int, maxPods: Int) -> (findings: [Finding], notes: [String]) {
        var notes: [String] = []
        let candidates = services.services.filter(\.hasEndpoints)
        let ports = Array(candidates.prefix(maxServicePorts))
        if candidates.count > ports.count {
            notes.append("traced \(ports.count) of \(candidates.count) service ports (the first in kube-proxy's order)")
        }
        // Pods with rules of their own (a sidecar's redirects) are traced from each; pods without any differ only
        // in their source address, so two of them stand for the rest.
        let withRules = pods.filter { !(graphs[$0]?.snapshot.rules.isEmpty ?? true) }
        let plain = pods.filter { graphs[$0]?.snapshot.rules.isEmpty ?? true }
        let sources = Array((withRules + plain.prefix(2)).prefix(maxPods))
        if pods.count > sources.count {
            notes.append("traced service flows from \(sources.count) of \(pods.count) pods (every pod with rules of its own, "
                + "and two without)")
        }
        // Whole rulesets were read, so the compiled matcher can run them (same verdicts, rules and steps as
        // the interpreter, without its linear walk of KUBE-SERVICES for every flow).
        // No renderer: evidence text comes from the rules themselves (legacy rules carry their own text).
        let simulator = PathSimulator(network: model, evaluator: CompiledEvaluator(network: model))
        var findings: [Finding] = []
        var failures = 0
        for pod in sources {
            for service in ports {
                guard let proto = TransportProtocol(rawValue: service.proto),
                      service.address.family == .ipv4 || podHasIPv6(pod) else { continue }
                let request = TraceRequest(namespace: pod, proto: proto, destination: service.address, destinationPort: service.port)
                guard let result = try? simulator.trace(request) else { failures += 1; continue }
                if let finding = classify(result, pod: pod, service: service) { findings.append(finding) }
            }
        }
        if failures > 0 { notes.append("\(failures) service flows could not be simulated") }
        return (findings, notes)
    }

    private func podHasIPv6(_ pod: String) -> Bool {
        model.namespaces[pod]?.routes.addresses.contains { $0.family == .ipv6 && $0.scope == .universe } ?? false
    }

    /// The first path that does not end `ok` and whose deciding rule is not kube-proxy's, as a finding.
    private func classify(_ result: TraceResult, pod: String, service: KubeServiceCatalog.Service) -> Finding? {
        var traces = [result.trace]
        traces += result.outcome.branches.map(\.trace)
        traces += result.outcome.alternatives.map(\.trace)
        for trace in traces where trace.outcome.kind != .ok {
            guard let reference = trace.decisiveRule,
                  !DoctorContext.isKubeProxy(table: reference.table, chain: reference.chain) else { continue }
            let who = "\(podLabel(pod)) → \(service.label)"
            let outcome = "\(trace.outcome.kind.rawValue): \(trace.outcome.reason)"
            if reference.backend == LegacyRuleset.backend {
                if let finding = legacyFinding(reference, trace: trace, who: who, outcome: outcome) { return finding }
                continue
            }
            guard let rule = rule(reference) else {
                // A chain policy decided.
                let evidence = RuleEvidence(namespace: reference.namespace, backend: reference.backend, family: "\(reference.family)",
                                            table: reference.table, chain: reference.chain, handle: nil,
                                            text: "policy of \(reference.chain)")
                return Finding(check: .forwardDropForPods, severity: .error,
                               summary: "\(who) is ended by the policy of \(reference.table) \(reference.chain) in \(reference.namespace) (\(outcome))",
                               evidence: [.rule(evidence)],
                               fix: "accept pod and service traffic (the cluster CIDR) in \(reference.chain) before its policy applies")
            }
            let shape = RuleShape(rule)
            let evidence = Evidence.rule(self.evidence(rule, in: reference.namespace))
            let hook = trace.steps.last { $0.rule == reference }?.hook ?? "?"
            if shape.captures {
                if reference.namespace != node && shape.redirect {
                    return sidecarFinding(pod: reference.namespace, evidence: [evidence],
                                          detail: "\(who) is redirected inside the pod (\(outcome))")
                }
                return Finding(check: .natCaptureBeforeKubeProxy, severity: .error,
                               summary: "\(who) is captured at \(hook) by a \(shape.redirect ? "REDIRECT" : "DNAT") in "
                                   + "\(reference.family) \(reference.table) \(reference.chain) before kube-proxy's rules (\(outcome))",
                               evidence: [evidence], fix: DoctorContext.captureFix)
            }
            if shape.blocks {
                return Finding(check: .forwardDropForPods, severity: .error,
                               summary: "\(who) is \(shape.reject ? "rejected" : "dropped") at \(hook) by \(reference.family) "
                                   + "\(reference.table) \(reference.chain) in \(reference.namespace) (\(outcome))",
                               evidence: [evidence],
                               fix: "allow the pod CIDR to the service's endpoints in that chain (or the firewall, Docker "
                                   + "DOCKER-USER, or NetworkPolicy that wrote it), or remove the rule")
            }
        }
        return nil
    }

    /// An iptables-legacy rule decided: it has no nf_tables expressions, so its effect is read from the step.
    private func legacyFinding(_ reference: RuleReference, trace: PathTrace, who: String, outcome: String) -> Finding? {
        let step = trace.steps.last { $0.rule == reference }
        let effect = (step?.effect ?? "").lowercased()
        let evidence = Evidence.rule(RuleEvidence(namespace: reference.namespace, backend: reference.backend,
                                                  family: "\(reference.family)", table: reference.table, chain: reference.chain,
                                                  handle: nil, position: reference.handle, text: step?.text))
        let place = "iptables-legacy \(reference.table) \(reference.chain)"
        if effect.contains("dnat") || effect.contains("redirect") {
            return Finding(check: .natCaptureBeforeKubeProxy, severity: .error,
                           summary: "\(who) is captured by \(place) before kube-proxy's rules (\(outcome))",
                           evidence: [evidence], fix: DoctorContext.captureFix + "; better, move the rule off iptables-legacy")
        }
        if effect.contains("drop") || effect.contains("reject") {
            return Finding(check: .forwardDropForPods, severity: .error,
                           summary: "\(who) is ended by \(place) in \(reference.namespace) (\(outcome))",
                           evidence: [evidence],
                           fix: "allow the pod CIDR in that legacy chain, or remove the rule (iptables-legacy -t \(reference.table) -D …)")
        }
        return nil
    }

    func podLabel(_ pod: String) -> String {
        podsExamined.first { $0.netns == pod }?.pod.map { "pod \($0)" } ?? "pod netns \(pod)"
    }

    static let captureFix = "guard the capture with `-m addrtype --dst-type LOCAL` (nft: `fib daddr type local`) so only "
        + "traffic to the node's own addresses is captured, narrow its match, or order it after kube-proxy's KUBE-SERVICES jump"
}
