import ArgumentParser
import NFScope

/// The root command. Subcommands only parse flags, call the NFScope library, and print.
struct Nfscope: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nfscope",
        abstract: "Reads netfilter state from the kernel over netlink and explains what it does to a packet.",
        discussion: """
            Exit codes: 0 success; 1 findings (doctor); 2 usage; 3 permission or environment (not root, \
            a namespace or process that does not exist); 4 the kernel's answer could not be read or decoded.
            """,
        version: NFScopeVersion.string,
        subcommands: [NetnsCommand.self, RulesetCommand.self, ConntrackCommand.self, TraceCommand.self, DoctorCommand.self,
                      DiffCommand.self, DemoCommand.self, LabDevCommand.self, LegacyCommand.self]
    )
}
