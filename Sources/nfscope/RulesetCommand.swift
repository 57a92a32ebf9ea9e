import ArgumentParser
import NFScope

/// `nfscope ruleset`: a namespace's nf_tables ruleset read from the kernel, as nft or iptables-save would
/// print it, or as a versioned JSON snapshot (docs/ruleset-schema.md).
struct RulesetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ruleset",
        abstract: "Print a namespace's nf_tables ruleset, read natively over netlink.",
        discussion: """
            --format nft prints what `nft list ruleset` prints; --format iptables prints the tables written by \
            iptables-nft as `iptables-nft-save` (and `ip6tables-nft-save`) would, and any rule without an \
            iptables form as a `# nfscope:` comment with its nft syntax; --format json prints the snapshot \
            schema (schema_version 1). The read is consistent: it is replayed when the ruleset changes meanwhile.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case nft, iptables, json
    }

    @Option(name: .long, help: "A network namespace: a name under /run/netns or a path to an nsfs file.")
    var netns: String?

    @Option(name: .long, help: "Read the network namespace of this process.")
    var pid: Int32?

    @Option(name: .long, help: "Only this family: ip, ip6, inet, arp, bridge, netdev.")
    var family: String?

    @Option(name: .long, help: "Only this table.")
    var table: String?

    @Option(name: .long, help: "Only this chain (with --table, or in every table that has one of that name).")
    var chain: String?

    @Option(name: .long, help: "nft, iptables or json.")
    var format: Format = .nft

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if netns != nil && pid != nil { throw ValidationError("--netns and --pid are exclusive") }
        if let family, NFTFamily(name: family) == nil { throw ValidationError("unknown family '\(family)'") }
        if let pid, pid <= 0 { throw ValidationError("--pid must be positive") }
    }

    func run() throws {
        let selector: NamespaceSelector = pid.map { .pid($0) } ?? netns.map { .spec($0) } ?? .current
        let filter = RulesetFilter(family: family.flatMap(NFTFamily.init(name:)), table: table, chain: chain)
        let session = try RulesetSource.session(for: selector)
        let effective: Format = output.json ? .json : format
        let sink = RulesetOutput()
        switch effective {
        case .nft: try RulesetPrinter.nft(session, filter: filter, output: sink)
        case .iptables: try RulesetPrinter.iptables(session, filter: filter, output: sink)
        case .json: try RulesetPrinter.json(session, filter: filter, output: sink)
        }
        sink.flush()
    }
}
