import Foundation
import Legacy
import NetCore
import NetNS
import Testing
import TestLab

/// The Xtables `.t` corpus (Tests/Fixtures/xt, one file per extension Xtables decodes) loaded with
/// iptables-legacy-restore and read back through nfscope's own reader and renderer: the whole save text
/// must equal `iptables-legacy-save`. New extensions in Xtables join this test through their corpus file.
@Suite("iptables-legacy differential over the Xtables corpus", .serialized,
       .enabled(if: Shell.isRoot, "needs root: loads iptables-legacy rules in throwaway namespaces"))
struct LegacyExtensionCorpusTests {
    @Test("IPv4: nfscope legacy rendering equals iptables-legacy-save", arguments: try XtablesCorpus.files(for: .ipv4))
    func ipv4(_ file: URL) throws { try check(file, family: .ipv4) }

    @Test("IPv6: nfscope legacy rendering equals ip6tables-legacy-save", arguments: try XtablesCorpus.files(for: .ipv6))
    func ipv6(_ file: URL) throws { try check(file, family: .ipv6) }

    func check(_ file: URL, family: IPFamily) throws {
        let cases = try XtablesCorpus.cases(in: file)
        try #require(!cases.isEmpty)
        try withLab { lab in
            let ns = try lab.namespace("lg-xt")
            if file.lastPathComponent.lowercased() == "libxt_set.t" {
                let inet = family == .ipv4 ? "inet" : "inet6"
                try ns.exec(["ipset", "create", "nfs-a", "hash:ip", "family", inet, "counters"])
                try ns.exec(["ipset", "create", "nfs-b", "hash:ip,port", "family", inet])
                try ns.exec(["ipset", "create", "nfs-n", "hash:net", "family", inet, "skbinfo"])
            }
            try ns.loadIptables(XtablesCorpus.restoreScript(cases), ipv6: family == .ipv6, legacy: true)
            let oracle = normalisedSave(try ns.exec([family == .ipv4 ? "iptables-legacy-save" : "ip6tables-legacy-save"]))
            let ours = normalisedSave(try nfscopeLegacySave(ns, family: family))
            #expect(ours.filter { $0.hasPrefix("-A ") }.count == cases.count)
            let differences = zip(oracle, ours).filter { $0 != $1 }.map { "- \($0)\n+ \($1)" }
            #expect(differences.isEmpty, "\(file.lastPathComponent):\n\(differences.joined(separator: "\n"))")
            #expect(ours.count == oracle.count)
        }
    }
}
