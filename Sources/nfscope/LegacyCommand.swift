import ArgumentParser
import Legacy
import NFScope

/// `nfscope legacy ...`: the iptables-legacy (x_tables) backend of a namespace.
struct LegacyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "legacy",
        abstract: "Read the iptables-legacy (x_tables) tables of a namespace, without creating any.",
        subcommands: [LegacySaveCommand.self, LegacyBackendsCommand.self]
    )
}

extension NamespaceOptions {
    /// What messages and JSON call the namespace (`NamespaceOptions` is shared with the conntrack commands).
    var label: String { pid.map { "pid \($0)" } ?? netns ?? "current" }
}

/// `nfscope legacy save`: the legacy tables exactly as `iptables-legacy-save` prints them.
struct LegacySaveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "save",
        abstract: "Print the iptables-legacy tables as iptables-legacy-save (or ip6tables-legacy-save) does.",
        discussion: """
            Only tables the namespace already lists in ip_tables_names are read: asking the kernel for \
            any other table would create it.
            """
    )

    @OptionGroup var namespace: NamespaceOptions
    @Flag(name: .long, help: "Read the IPv6 tables (ip6tables-legacy-save).")
    var ipv6 = false
    @Flag(name: [.customShort("c"), .long], help: "Print rule counters, as iptables-save -c does.")
    var counters = false
    @OptionGroup var output: OutputOptions

    func run() throws {
        let family: IPFamily = ipv6 ? .ipv6 : .ipv4
        let handle = try namespace.handle()
        let tables = try LegacyReader.tables(in: handle, family: family)
        let label = namespace.label
        if output.json {
            try JSONOutput.print(LegacySaveDocument(namespace: label, family: family, tables: tables))
        } else {
            LegacyRenderer.write(tables: tables, family: family, counters: counters) { print($0, terminator: "") }
        }
    }
}
