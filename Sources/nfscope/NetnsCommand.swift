import ArgumentParser
import NFScope

/// `nfscope netns …`: the network namespaces on this machine.
struct NetnsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "netns",
        abstract: "Network namespaces on this machine.",
        subcommands: [NetnsListCommand.self],
        defaultSubcommand: NetnsListCommand.self
    )
}
