import NetCore
import NFTables
import Simulator

/// The `nfscope trace --json` document (snake_case keys through the CLI's encoder).
public struct TraceReport: Codable, Sendable {
    public static let schemaVersion = 1

    public var schemaVersion = TraceReport.schemaVersion
    public var packet: PacketText
    public var outcome: String
    public var reason: String
    public var deliveredTo: DeliveryText?
    public var verdict: String
    public var decisiveRule: RuleText?
    public var steps: [StepText]
    public var branches: [BranchText]?
    public var alternatives: [AlternativeText]?
    public var paths: Int
    public var warnings: [String]
    public var conntrack: ConntrackText

    public struct PacketText: Codable, Sendable {
        public var proto: String
        public var source: String
        public var sourcePort: UInt16
        public var destination: String
        public var destinationPort: UInt16
        /// Whether `--sport` was given; without it the source port is an assumed ephemeral one.
        public var sourcePortAssumed: Bool
    }

    public struct DeliveryText: Codable, Sendable {
        public var namespace: String
        public var address: String
        public var port: UInt16
    }

    public struct RuleText: Codable, Sendable {
        public var namespace: String
        public var backend: String
        public var family: String
        public var table: String
        public var chain: String
        /// nil for a chain policy.
        public var handle: UInt64?
        public var text: String?
    }

    public struct StepText: Codable, Sendable {
        public var namespace: String
        public var hook: String
        public var family: String?
        public var table: String?
        public var chain: String?
        public var handle: UInt64?
        public var text: String?
        public var effect: String
    }

    public struct BranchText: Codable, Sendable {
        public var probability: Double?
        public var choices: [String]
        public var outcome: String
        public var reason: String
        public var deliveredTo: DeliveryText?
        public var decisiveRule: RuleText?
        public var steps: [StepText]
    }

    public struct AlternativeText: Codable, Sendable {
        public var order: [String]
        public var outcome: String
        public var reason: String
        public var deliveredTo: DeliveryText?
        public var decisiveRule: RuleText?
        public var branches: [BranchText]?
        public var steps: [StepText]
    }
}

extension TraceReport {
    /// `delivered_to` and `decisive_rule` are always present (null when there is none), so consumers can
    /// rely on the keys; `branches` and `alternatives` only with `mixed` and `ambiguous`.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(schemaVersion, forKey: .schemaVersion)
        try container.encode(packet, forKey: .packet)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(reason, forKey: .reason)
        try container.encode(deliveredTo, forKey: .deliveredTo)
        try container.encode(verdict, forKey: .verdict)
        try container.encode(decisiveRule, forKey: .decisiveRule)
        try container.encode(steps, forKey: .steps)
        try container.encodeIfPresent(branches, forKey: .branches)
        try container.encodeIfPresent(alternatives, forKey: .alternatives)
        try container.encode(paths, forKey: .paths)
        try container.encode(warnings, forKey: .warnings)
        try container.encode(conntrack, forKey: .conntrack)
    }

    init(_ result: TraceResult, sourcePortGiven: Bool) {
        let p = result.packet
        packet = PacketText(proto: p.proto.rawValue, source: "\(p.source)", sourcePort: p.sourcePort,
                            destination: "\(p.destination)", destinationPort: p.destinationPort,
                            sourcePortAssumed: !sourcePortGiven)
        outcome = result.outcome.kind.rawValue
        reason = result.outcome.reason
        deliveredTo = result.outcome.deliveredTo.map(DeliveryText.init)
        verdict = result.trace.verdict.rawValue
        decisiveRule = result.trace.decisiveRule.map { RuleText($0, steps: result.trace.steps) }
        steps = result.trace.steps.map(StepText.init)
        branches = result.outcome.branches.isEmpty ? nil : result.outcome.branches.map(BranchText.init)
        alternatives = result.outcome.alternatives.isEmpty ? nil : result.outcome.alternatives.map(AlternativeText.init)
        paths = result.runs
        warnings = result.warnings
        conntrack = ConntrackText(result.conntrack)
    }
}

extension TraceReport.DeliveryText {
    init(_ delivery: Delivery) {
        self.init(namespace: delivery.namespace, address: "\(delivery.address)", port: delivery.port)
    }
}

extension TraceReport.RuleText {
    init(_ rule: RuleReference, steps: [Step]) {
        let text = steps.last { $0.rule == rule }?.text
        self.init(namespace: rule.namespace, backend: rule.backend, family: "\(rule.family)", table: rule.table,
                  chain: rule.chain, handle: rule.handle, text: text)
    }
}

extension TraceReport.StepText {
    init(_ step: Step) {
        self.init(namespace: step.namespace, hook: step.hook, family: step.rule.map { "\($0.family)" },
                  table: step.rule?.table, chain: step.rule?.chain, handle: step.rule?.handle, text: step.text,
                  effect: step.effect)
    }
}

extension TraceReport.BranchText {
    init(_ branch: Branch) {
        let trace = branch.trace
        self.init(probability: branch.probability, choices: branch.choices, outcome: trace.outcome.kind.rawValue,
                  reason: trace.outcome.reason, deliveredTo: trace.outcome.deliveredTo.map(TraceReport.DeliveryText.init),
                  decisiveRule: trace.decisiveRule.map { TraceReport.RuleText($0, steps: trace.steps) },
                  steps: trace.steps.map(TraceReport.StepText.init))
    }
}

extension TraceReport.AlternativeText {
    init(_ alternative: Alternative) {
        let outcome = alternative.outcome
        self.init(order: alternative.order, outcome: outcome.kind.rawValue, reason: outcome.reason,
                  deliveredTo: outcome.deliveredTo.map(TraceReport.DeliveryText.init),
                  decisiveRule: alternative.trace.decisiveRule.map { TraceReport.RuleText($0, steps: alternative.trace.steps) },
                  branches: outcome.branches.isEmpty ? nil : outcome.branches.map(TraceReport.BranchText.init),
                  steps: alternative.trace.steps.map(TraceReport.StepText.init))
    }
}
