import ArgumentParser
import NFScope

/// `nfscope conntrack delete`: shows what the filters select; deletes only with `--yes`.
struct ConntrackDeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete the flows the filters select: a dry run unless --yes; reports what it deleted."
    )

    @OptionGroup var namespace: NamespaceOptions
    @OptionGroup var filters: FlowFilterOptions
    @Flag(name: .long, help: "Really delete (without it, only show what would be deleted).") var yes = false
    @OptionGroup var output: OutputOptions

    func run() throws {
        let filter = try filters.filter()
        let handle = try namespace.handle()
        let reader = try ConntrackReader(namespace: handle)
        let out = LineWriter()
        let json = output.json
        if !json { out.line("ACTION        " + FlowTable.header) }
        var deleted = 0, gone = 0
        let summary: DumpSummary
        if yes {
            let deleter = try ConntrackReader(namespace: handle)
            summary = try reader.deleteFlows(matching: filter, through: deleter) { flow, wasDeleted in
                if wasDeleted { deleted += 1 } else { gone += 1 }
                emit(flow, action: wasDeleted ? "deleted" : "already_gone", to: out, json: json)
            }
        } else {
            summary = try reader.flows(matching: filter) { emit($0, action: "would_delete", to: out, json: json) }
        }
        out.flush()
        if !output.json {
            ExitStatus.printError(yes ? "deleted \(deleted) flow(s)" + (gone > 0 ? ", \(gone) already gone" : "")
                                      : "\(summary.matched) flow(s) would be deleted; add --yes to delete them")
        }
        try ConntrackListCommand.checkConsistency(summary)
    }

    private func emit(_ flow: Flow, action: String, to out: LineWriter, json: Bool) {
        if json {
            out.line { flow.appendJSONLine(to: &$0, action: action) }
        } else {
            out.line(action.padding(toLength: 13, withPad: " ", startingAt: 0) + " " + FlowTable.row(flow))
        }
    }
}
