import ArgumentParser
import NFScope

/// `nfscope conntrack list`: stream the table, filtered, as an aligned table or JSON lines.
struct ConntrackListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Stream the conntrack table (filtered); --json prints one object per line."
    )

    @OptionGroup var namespace: NamespaceOptions
    @OptionGroup var filters: FlowFilterOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let filter = try filters.filter()
        let reader = try namespace.reader()
        let out = LineWriter()
        // Read once: a property-wrapper getter per flow costs a generic metadata lookup each time.
        let json = output.json
        // The header waits for the first row, so a refused dump prints only its error.
        var headerPending = !json
        let summary = try reader.flows(matching: filter) { flow in
            if headerPending { out.line(FlowTable.header); headerPending = false }
            if json {
                out.line { flow.appendJSONLine(to: &$0) }
            } else {
                out.line(FlowTable.row(flow))
            }
        }
        if headerPending { out.line(FlowTable.header) }
        out.flush()
        if !json {
            var note = "\(summary.matched) flow\(summary.matched == 1 ? "" : "s")"
            if case .refused(let errno) = summary.kernelFilter {
                note += " (the kernel refused the dump filter with \(errno.describedWithName); filtered in nfscope)"
            }
            ExitStatus.printError(note)
        }
        try ConntrackListCommand.checkConsistency(summary)
    }

    /// A dump that lost messages is reported, with the findings exit code, rather than passed off as whole.
    static func checkConsistency(_ summary: DumpSummary) throws {
        switch summary.inconsistency {
        case nil: return
        case .messagesLost?:
            throw CommandFailure(message: "the dump lost messages (ENOBUFS): the listing is incomplete", exitCode: ExitStatus.findings)
        case .interrupted?:
            throw CommandFailure(message: "the table changed during the dump (NLM_F_DUMP_INTR): entries may be missing or doubled",
                                 exitCode: ExitStatus.findings)
        }
    }
}
