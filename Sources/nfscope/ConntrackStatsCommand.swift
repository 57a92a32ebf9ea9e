import ArgumentParser
import NFScope

/// `nfscope conntrack stats`: entry count, nf_conntrack_max and the per-CPU counters.
struct ConntrackStatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Entry count, nf_conntrack_max and per-CPU counters (found, invalid, insert_failed, drop, …)."
    )

    @OptionGroup var namespace: NamespaceOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let handle = try namespace.handle()
        let reader = try ConntrackReader(namespace: handle)
        var statistics = try reader.statistics()
        if statistics.maximum == nil { statistics.maximum = ConntrackReader.maximumFromProc(in: handle) }
        print(output.json ? statistics.jsonLine : statistics.textReport, terminator: output.json ? "\n" : "")
    }
}
