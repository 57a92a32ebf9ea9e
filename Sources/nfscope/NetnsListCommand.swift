import ArgumentParser
import NFScope

/// `nfscope netns list`: every network namespace with its names, processes, interfaces and veth peers.
struct NetnsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List every network namespace (named ones and those of processes), de-duplicated by inode."
    )

    @OptionGroup var output: OutputOptions

    func run() throws {
        let reports = try NamespaceReporter().reports()
        if output.json {
            try JSONOutput.print(NamespaceListDocument(namespaces: reports))
        } else {
            print(NamespaceListText.render(reports), terminator: "")
        }
    }
}
