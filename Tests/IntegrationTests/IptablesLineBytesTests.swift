import NFScope
import NFTables
import Render
import RulesetCorpus
import Testing
import TestLab

/// `IptablesLineRenderer.append(_:to:)` builds a chain's lines as bytes (what the parallel read and the CLI
/// use); `render(_:)` builds each line as a `String`. Both must give the same text, rule by rule, on the
/// kube-proxy corpus, whose rules carry every shape the bytes path sees in practice.
@Suite("iptables lines rendered as bytes", .serialized,
       .enabled(if: Shell.isRoot, "needs root: creates a network namespace and loads a kube-proxy ruleset"))
struct IptablesLineBytesTests {
    @Test("kube-proxy iptables mode, 300 services: every rule's bytes line equals its String rendering")
    func bytesEqualStringRendering() throws {
        try withLab { lab in
            let namespace = try lab.namespace("ilb")
            try namespace.loadIptables(KubeProxyIptablesCorpus.generate(services: 300))
            let session = try RulesetSource.session(for: .spec(namespace.name), readingLegacy: false)
            let snapshot = try session.reader.snapshot(RulesetFilter(family: .ip))
            let writer = IptablesSaveWriter(structure: snapshot.structure, family: .ip) { _ in }
            #expect(snapshot.rules.count > 3_000, "the corpus loaded")
            var mismatches: [String] = []
            for rule in snapshot.rules {
                var line = ""
                writer.lines.append([rule], to: &line)
                let expected = writer.render(rule).text + "\n"
                if line != expected, mismatches.count < 5 { mismatches.append("bytes: \(line)string: \(expected)") }
            }
            #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
            // A whole chain at once, appended to text already there, as the parallel read does.
            var text = "head\n"
            writer.lines.append(snapshot.rules, to: &text)
            let joined = snapshot.rules.map { writer.render($0).text + "\n" }.joined()
            #expect(text == "head\n" + joined)
        }
    }
}
