import Kubernetes

/// The `nfscope trace FROM TO --json` document: the flag form's ``TraceReport`` object, unchanged, plus
/// `from`, `to`, and when they apply `node_comparison` and `also` (see docs/trace-schema.md).
public struct TargetTraceReport: Encodable, Sendable {
    /// The trace of FROM → TO, encoded at the top level exactly as the flag form prints it.
    public var report: TraceReport
    public var from: SourceText
    public var to: DestinationText
    /// When FROM is a pod: the same destination traced from the node, and where the paths part.
    public var nodeComparison: Comparison?
    /// With `--also TO2`: FROM → TO2, and where it parts from FROM → TO.
    public var also: Comparison?

    public struct SourceText: Encodable, Sendable {
        public var target: String
        public var netns: String
        public var address: String?
        public var podUid: String?
    }

    public struct DestinationText: Encodable, Sendable {
        public var target: String
        public var address: String
        public var port: UInt16
        public var proto: String
        /// kube-proxy's name for the service port (`demo/web:http`), for `svc:`.
        public var servicePort: String?
        /// `false` when kube-proxy rejects the service for lack of endpoints.
        public var serviceHasEndpoints: Bool?
    }

    /// Another trace set against the main one.
    public struct Comparison: Encodable, Sendable {
        /// `node`, or the `--also` destination as typed.
        public var compared: String
        public var to: DestinationText?
        public var outcome: String
        public var reason: String
        public var decisiveRule: TraceReport.RuleText?
        /// The first rule the main trace meets that this one does not (`null` when it meets none).
        public var partsAt: TraceReport.StepText?
        /// The whole other trace, in the flag form's shape.
        public var trace: TraceReport

        init(compared: String, with other: TraceReport, against main: TraceReport) {
            self.compared = compared
            outcome = other.outcome
            reason = other.reason
            decisiveRule = other.decisiveRule
            partsAt = TraceComparison(failing: main, working: other).firstDivergingStep
            trace = other
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(compared, forKey: .compared)
            try container.encodeIfPresent(to, forKey: .to)
            try container.encode(outcome, forKey: .outcome)
            try container.encode(reason, forKey: .reason)
            try container.encode(decisiveRule, forKey: .decisiveRule)
            try container.encode(partsAt, forKey: .partsAt)
            try container.encode(trace, forKey: .trace)
        }

        enum CodingKeys: String, CodingKey { case compared, to, outcome, reason, decisiveRule, partsAt, trace }
    }

    init(report: TraceReport, from: SourceText, to: DestinationText) {
        self.report = report
        self.from = from
        self.to = to
    }

    /// The trace report's keys first (the same object the flag form prints), then the positional form's.
    public func encode(to encoder: Encoder) throws {
        try report.encode(to: encoder)
        var container = encoder.container(keyedBy: ExtraKeys.self)
        try container.encode(from, forKey: .from)
        try container.encode(to, forKey: .to)
        try container.encodeIfPresent(nodeComparison, forKey: .nodeComparison)
        try container.encodeIfPresent(also, forKey: .also)
    }

    enum ExtraKeys: String, CodingKey { case from, to, nodeComparison, also }
}

extension TargetTraceReport.SourceText {
    init(_ source: TraceSource) {
        self.init(target: "\(source.target)", netns: source.namespacePath, address: source.address.map { "\($0)" },
                  podUid: source.pod?.uid)
    }
}

extension TargetTraceReport.DestinationText {
    init(_ destination: TraceDestination) {
        self.init(target: destination.label, address: "\(destination.address)", port: destination.port,
                  proto: destination.proto.rawValue, servicePort: destination.servicePort?.reference,
                  serviceHasEndpoints: destination.servicePort?.hasEndpoints)
    }
}
