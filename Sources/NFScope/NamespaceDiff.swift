/// `nfscope diff A B`: what one namespace has and the other lacks, part by part. Lines are compared as
/// multisets (a rule present twice in A and once in B is one line "only in A") and keep their order.
public struct NamespaceDiff: Encodable, Sendable {
    public var schemaVersion = 1
    public var a: Side
    public var b: Side
    /// Chains whose rules differ, in A's chain order then B's.
    public var rules: [ChainDifference]
    public var routes: LineDifference
    public var addresses: LineDifference
    /// Sysctls whose values differ or that exist on one side only, sorted by name.
    public var sysctls: [SysctlDifference]
    /// Whether nothing compared differs.
    public var identical: Bool
    /// Parts that could not be read on one side and were not compared.
    public var warnings: [String]

    public struct Side: Encodable, Sendable {
        public var target: String
        public var netns: String

        public init(target: String, netns: String) {
            self.target = target
            self.netns = netns
        }
    }

    public struct LineDifference: Encodable, Sendable {
        public var onlyInA: [String]
        public var onlyInB: [String]

        public var isEmpty: Bool { onlyInA.isEmpty && onlyInB.isEmpty }

        /// Lines of `a` missing from `b` and of `b` missing from `a`, each in its own order.
        public init(_ a: [String], _ b: [String]) {
            onlyInA = LineDifference.missing(from: b, in: a)
            onlyInB = LineDifference.missing(from: a, in: b)
        }

        static func missing(from other: [String], in lines: [String]) -> [String] {
            var available: [String: Int] = [:]
            for line in other { available[line, default: 0] += 1 }
            return lines.filter { line in
                guard let count = available[line], count > 0 else { return true }
                available[line] = count - 1
                return false
            }
        }
    }

    public struct ChainDifference: Encodable, Sendable {
        public var backend: String
        public var family: String
        public var table: String
        public var chain: String
        /// Whether the chain exists in A and in B (a chain only one side has lists all its lines).
        public var inA: Bool
        public var inB: Bool
        public var onlyInA: [String]
        public var onlyInB: [String]
    }

    public struct SysctlDifference: Encodable, Sendable {
        public var name: String
        /// `null` where the file does not exist (an interface the namespace lacks, a module not loaded there).
        public var a: String?
        public var b: String?

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(a, forKey: .a)
            try container.encode(b, forKey: .b)
        }

        enum CodingKeys: String, CodingKey { case name, a, b }
    }

    public init(a: Side, facts factsA: NamespaceFacts, b: Side, facts factsB: NamespaceFacts) {
        self.a = a
        self.b = b
        rules = NamespaceDiff.compare(factsA.chains, factsB.chains)
        routes = LineDifference(factsA.routes, factsB.routes)
        addresses = LineDifference(factsA.addresses, factsB.addresses)
        sysctls = Set(factsA.sysctls.keys).union(factsB.sysctls.keys).sorted().compactMap { name in
            let (valueA, valueB) = (factsA.sysctls[name], factsB.sysctls[name])
            guard valueA != valueB else { return nil }
            // An interface only one side has: only the settings that differ from that side's `default`
            // (what the interface was given, not what every new interface gets).
            if valueA == nil || valueB == nil, let fallback = NamespaceDiff.defaultName(for: name) {
                let facts = valueA == nil ? factsB : factsA
                if facts.sysctls[name] == facts.sysctls[fallback] { return nil }
            }
            return SysctlDifference(name: name, a: valueA, b: valueB)
        }
        identical = rules.isEmpty && routes.isEmpty && addresses.isEmpty && sysctls.isEmpty
        warnings = factsA.warnings + factsB.warnings
    }

    /// `net.ipv4.conf.default.rp_filter` for `net.ipv4.conf.eth0.rp_filter`; nil for global and all/default names.
    static func defaultName(for name: String) -> String? {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "net", parts[2] == "conf", parts[3] != "all", parts[3] != "default" else { return nil }
        return "\(parts[0]).\(parts[1]).conf.default.\(parts[4])"
    }

    static func compare(_ chainsA: [NamespaceFacts.ChainRules], _ chainsB: [NamespaceFacts.ChainRules]) -> [ChainDifference] {
        let byKeyA = Dictionary(chainsA.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let byKeyB = Dictionary(chainsB.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var seen: Set<String> = []
        var differences: [ChainDifference] = []
        for chain in chainsA + chainsB where seen.insert(chain.key).inserted {
            let inA = byKeyA[chain.key], inB = byKeyB[chain.key]
            let lines = LineDifference(inA?.lines ?? [], inB?.lines ?? [])
            // An empty chain that only one side has is still a difference (a jump target the other lacks).
            guard !lines.isEmpty || (inA == nil) != (inB == nil) else { continue }
            differences.append(ChainDifference(backend: chain.backend, family: chain.family, table: chain.table,
                                               chain: chain.chain, inA: inA != nil, inB: inB != nil,
                                               onlyInA: lines.onlyInA, onlyInB: lines.onlyInB))
        }
        return differences
    }
}
