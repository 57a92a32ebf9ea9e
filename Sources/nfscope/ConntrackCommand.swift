import ArgumentParser
import NFScope

/// `nfscope conntrack …`: the connection-tracking table of a namespace.
struct ConntrackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conntrack",
        abstract: "List, look up, count, watch and delete connection-tracking entries, in any namespace.",
        subcommands: [ConntrackListCommand.self, ConntrackGetCommand.self, ConntrackStatsCommand.self,
                      ConntrackWatchCommand.self, ConntrackDeleteCommand.self],
        defaultSubcommand: ConntrackListCommand.self
    )
}
