import ArgumentParser
import Foundation
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
            schema (schema_version 1). The read is consistent: it is replayed when the ruleset changes meanwhile. \
            --backend chooses nf_tables (nft), iptables-legacy x_tables tables (legacy, printed as \
            `iptables-legacy-save` would), or both (all, the default: each part headed by a comment naming its \
            backend when legacy tables exist).
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

    @Option(name: .long, help: "nft, legacy or all: the nf_tables tables, the iptables-legacy (x_tables) ones, or both.")
    var backend: RulesetBackendChoice = .all

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if netns != nil && pid != nil { throw ValidationError("--netns and --pid are exclusive") }
        if let family, NFTFamily(name: family) == nil { throw ValidationError("unknown family '\(family)'") }
        if let pid, pid <= 0 { throw ValidationError("--pid must be positive") }
        if backend == .legacy, format == .nft, !output.json {
            throw ValidationError("--backend legacy has no nft form (x_tables rules are not nf_tables rules); use --format iptables or json")
        }
    }

    /// Reading threads for a parallel read: one per core, at least two (a dump waiting on the kernel leaves
    /// its core to the other) and at most four (beyond that the writer thread is the bottleneck).
    static var parallelReaders: Int { min(4, max(2, ProcessInfo.processInfo.activeProcessorCount)) }

    func run() throws {
        let selector: NamespaceSelector = pid.map { .pid($0) } ?? netns.map { .spec($0) } ?? .current
        let filter = RulesetFilter(family: family.flatMap(NFTFamily.init(name:)), table: table, chain: chain)
        let effective: Format = output.json ? .json : format
        // nft and iptables text is read and rendered on extra connections, one thread each (JSON streams on
        // one): the kernel's dump of one chain overlaps the rendering of others.
        let parallelReaders = effective == .json ? 0 : Self.parallelReaders
        let session = try RulesetSource.session(for: selector, readingLegacy: backend != .nft,
                                                parallelReaders: parallelReaders)
        if let error = session.legacyReadError {
            if backend == .legacy { throw error }
            ExitStatus.printError("nfscope: warning: iptables-legacy tables not read, only nf_tables is shown: \(ProblemReport(error)?.message ?? "\(error)")")
        }
        let sink = RulesetOutput()
        switch effective {
        case .nft: try RulesetPrinter.nft(session, filter: filter, output: sink)
        case .iptables: try RulesetPrinter.iptables(session, filter: filter, backend: backend, output: sink)
        case .json: try RulesetPrinter.json(session, filter: filter, backend: backend, output: sink)
        }
        sink.flush()
    }
}

extension RulesetBackendChoice: ExpressibleByArgument {}
