import ArgumentParser
import Kubernetes
import NFScope

/// `nfscope diff A B`: rules, routes, addresses and the relevant sysctls of two namespaces side by side.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show what one network namespace has and another lacks: rules, routes, addresses, sysctls.",
        discussion: """
            A and B are node, pod:NAMESPACE/NAME, netns:NAME|PATH or pid:PID (node against pod:… is the usual \
            question). Rules are compared per family, table and chain as rendered lines (iptables syntax for \
            iptables tables, nft syntax otherwise; a base chain's policy counts as a line), in order; the local \
            routing table is left out (it follows from the addresses). Everything is read from the kernel. \
            Exits 0 whatever the difference.
            """
    )

    @Argument(help: "The first namespace: node, pod:NAMESPACE/NAME, netns:NAME|PATH or pid:PID.")
    var a: String

    @Argument(help: "The second namespace, in the same forms.")
    var b: String

    @OptionGroup var node: NodeOptions

    @OptionGroup var color: ColorOptions

    @OptionGroup var output: OutputOptions

    func validate() throws { try node.validate() }

    func run() throws {
        let context = node.context
        let (sourceA, sourceB) = try KubernetesFailure.mapping {
            (try context.source(Target(parsing: a)), try context.source(Target(parsing: b)))
        }
        let sideA = NamespaceDiff.Side(target: "\(sourceA.target)", netns: sourceA.namespacePath)
        let sideB = NamespaceDiff.Side(target: "\(sourceB.target)", netns: sourceB.namespacePath)
        let diff = NamespaceDiff(a: sideA, facts: try NamespaceFacts.read(namespacePath: sourceA.namespacePath, label: sideA.target),
                                 b: sideB, facts: try NamespaceFacts.read(namespacePath: sourceB.namespacePath, label: sideB.target))
        if output.json {
            try JSONOutput.print(diff)
        } else {
            print(DiffText.render(diff, style: color.style), terminator: "")
        }
    }
}

/// The text of `nfscope diff`: `<` lines only A has, `>` lines only B has, per part; sysctls in columns.
enum DiffText {
    static func render(_ diff: NamespaceDiff, style: TextStyle = .plain) -> String {
        var text = "A: \(diff.a.target) (netns \(diff.a.netns))\nB: \(diff.b.target) (netns \(diff.b.netns))\n"
        for warning in diff.warnings { text += "\(style.yellow("note:")) \(warning)\n" }
        if diff.identical { return text + "\nno difference in rules, routes, addresses or sysctls\n" }
        text += "(< only A has it, > only B has it)\n"
        if !diff.rules.isEmpty {
            text += "\n" + style.bold("rules") + "\n"
            for chain in diff.rules {
                let presence = chain.inA && chain.inB ? "" : chain.inA ? " (chain only in A)" : " (chain only in B)"
                text += "  \(chain.family) \(chain.table) \(chain.chain) [\(chain.backend)]\(presence)\n"
                text += lines(chain.onlyInA, chain.onlyInB, indent: "    ", style: style)
            }
        }
        for (title, part) in [("routes", diff.routes), ("addresses", diff.addresses)] where !part.isEmpty {
            text += "\n" + style.bold(title) + "\n" + lines(part.onlyInA, part.onlyInB, indent: "  ", style: style)
        }
        if !diff.sysctls.isEmpty {
            let nameWidth = max(6, diff.sysctls.map(\.name.count).max() ?? 0)
            let valueWidth = max(1, diff.sysctls.map { ($0.a ?? "-").count }.max() ?? 0)
            text += "\n" + style.bold("sysctls".padded(to: nameWidth + 2)) + "  " + "A".padded(to: valueWidth) + "  B\n"
            for sysctl in diff.sysctls {
                text += "  \(sysctl.name.padded(to: nameWidth))  \((sysctl.a ?? "-").padded(to: valueWidth))  \(sysctl.b ?? "-")\n"
            }
        }
        return text
    }

    private static func lines(_ onlyInA: [String], _ onlyInB: [String], indent: String, style: TextStyle) -> String {
        onlyInA.map { "\(indent)\(style.red("< \($0)"))\n" }.joined()
            + onlyInB.map { "\(indent)\(style.green("> \($0)"))\n" }.joined()
    }
}
