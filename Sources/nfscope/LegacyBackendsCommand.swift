import ArgumentParser
import Legacy
import NFScope

/// `nfscope legacy backends`: the split-backend report.
struct LegacyBackendsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backends",
        abstract: "Show which chains hold rules in iptables-legacy and in nf_tables, and which share hooks."
    )

    @OptionGroup var namespace: NamespaceOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let report = try BackendReport.read(in: try namespace.handle())
        if output.json {
            try JSONOutput.print(BackendReportDocument(namespace: namespace.label, report: report))
        } else {
            print(BackendReportText.render(report), terminator: "")
        }
    }
}

/// The text form: one line per chain with rules, then the shared hooks.
enum BackendReportText {
    static func render(_ report: BackendReport) -> String {
        var text = report.isSplit ? "split: rules in both iptables-legacy and nf_tables\n"
                                  : "not split: at most one backend holds rules\n"
        for chain in report.chains where chain.ruleCount > 0 || chain.hook != nil {
            let hook = chain.hook.map { " hook \($0) priority \(chain.priority.map(String.init) ?? "?")" } ?? ""
            text += "\(chain.backend.rawValue) \(chain.family) \(chain.table) \(chain.chain):\(hook) \(chain.ruleCount) rule\(chain.ruleCount == 1 ? "" : "s")\n"
        }
        for shared in report.sharedHooks {
            let order = shared.chains.map { "\($0.backend.rawValue):\($0.table)/\($0.chain)@\($0.priority.map(String.init) ?? "?")" }
            text += "shared hook \(shared.family.rawValue) \(shared.hook)\(shared.ambiguousOrder ? " (order ambiguous)" : ""): "
                + order.joined(separator: " -> ") + "\n"
        }
        return text
    }
}

/// `nfscope legacy backends --json`.
struct BackendReportDocument: Encodable {
    var schemaVersion = 1
    var namespace: String
    var split: Bool
    var chains: [ChainJSON]
    var sharedHooks: [SharedJSON]

    struct ChainJSON: Encodable {
        var backend: String, family: String, table: String, chain: String
        var hook: String?, priority: Int32?, ruleCount: Int
        init(_ use: BackendReport.ChainUse) {
            backend = use.backend.rawValue; family = use.family; table = use.table; chain = use.chain
            hook = use.hook; priority = use.priority; ruleCount = use.ruleCount
        }
    }

    struct SharedJSON: Encodable {
        var family: String, hook: String, ambiguousOrder: Bool, chains: [ChainJSON]
        /// Each possible order as `backend:family table/chain` strings.
        var alternatives: [[String]]
    }

    init(namespace: String, report: BackendReport) {
        self.namespace = namespace
        split = report.isSplit
        chains = report.chains.map(ChainJSON.init)
        sharedHooks = report.sharedHooks.map {
            SharedJSON(family: $0.family.rawValue, hook: $0.hook, ambiguousOrder: $0.ambiguousOrder,
                       chains: $0.chains.map(ChainJSON.init),
                       alternatives: $0.alternatives.map { order in
                           order.map { "\($0.backend.rawValue):\($0.family) \($0.table)/\($0.chain)" }
                       })
        }
    }
}
