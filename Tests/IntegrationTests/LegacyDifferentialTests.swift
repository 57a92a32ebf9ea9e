import Foundation
import Legacy
import NetCore
import NetNS
import Testing
import TestLab

/// Drops comment lines and zeroes counters, the two places where nfscope and iptables-save may differ.
func normalisedSave(_ text: String) -> [String] {
    text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }.map { line in
        line.replacingOccurrences(of: #"\[\d+:\d+\]"#, with: "[0:0]", options: .regularExpression)
    }
}

/// Reads a lab namespace's legacy tables through nfscope's library and renders them.
func nfscopeLegacySave(_ namespace: LabNamespace, family: IPFamily) throws -> String {
    let handle = try NamespaceHandle(name: namespace.name)
    return LegacyRenderer.save(tables: try LegacyReader.tables(in: handle, family: family), family: family)
}

@Suite("iptables-legacy differential", .serialized,
       .enabled(if: Shell.isRoot, "needs root: loads iptables-legacy rules in throwaway namespaces"))
struct LegacyDifferentialTests {
    @Test("iptables-legacy-restore works in a fresh namespace on this kernel")
    func legacyRestoreWorks() throws {
        try withLab { lab in
            let ns = try lab.namespace("lg-probe")
            try ns.loadIptables("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\nCOMMIT\n", legacy: true)
            #expect(try ns.exec(["cat", "/proc/net/ip_tables_names"]).contains("filter"))
        }
    }

    @Test("rendering equals iptables-legacy-save", arguments: LegacyCorpus.shapes + LegacyCorpus.extensions)
    func differential(_ corpus: LegacyCase) throws {
        try withLab { lab in
            let ns = try lab.namespace("lg-diff")
            try ns.loadIptables(corpus.rules, ipv6: corpus.ipv6, legacy: true)
            let oracle = try ns.exec([corpus.ipv6 ? "ip6tables-legacy-save" : "iptables-legacy-save"])
            let ours = try nfscopeLegacySave(ns, family: corpus.ipv6 ? .ipv6 : .ipv4)
            let expected = normalisedSave(oracle), actual = normalisedSave(ours)
            #expect(actual.count > 4)
            #expect(actual.count == expected.count, "\(corpus.name): \(actual.count) lines, iptables-legacy-save printed \(expected.count)")
            let differences = zip(expected, actual).filter { $0 != $1 }.map { "- \($0)\n+ \($1)" }
            #expect(differences.isEmpty, "\(corpus.name):\n\(differences.joined(separator: "\n"))")
        }
    }

    @Test("counters: chain policies and rules carry the kernel's packet counts")
    func counters() throws {
        try withLab { lab in
            let ns = try lab.namespace("lg-count")
            try ns.loadIptables(filterWithCounters, legacy: true)
            try ns.exec(["ip", "link", "set", "lo", "up"])
            // Two UDP datagrams over loopback: each passes OUTPUT and INPUT.
            try ns.exec(["bash", "-c", "echo a > /dev/udp/127.0.0.1/9; echo b > /dev/udp/127.0.0.1/9"])
            let oracle = try ns.exec(["iptables-legacy-save", "-c"])
            let handle = try NamespaceHandle(name: ns.name)
            let tables = try LegacyReader.tables(in: handle, family: .ipv4)
            let ours = LegacyRenderer.save(tables: tables, family: .ipv4, counters: true)
            #expect(normalisedCommentsOnly(ours) == normalisedCommentsOnly(oracle))
            let input = try #require(tables.first?.chains.first { $0.name == "INPUT" })
            #expect(input.rules.first.map { $0.counters.packets >= 2 } == true)
        }
    }

    @Test("nfscope legacy save (CLI) prints the same as the save tools, --json has schema_version")
    func cli() throws {
        try withLab { lab in
            let ns = try lab.namespace("lg-cli")
            let kube = try #require(LegacyCorpus.shapes.first)
            try ns.loadIptables(kube.rules, legacy: true)
            try ns.loadIptables(LegacyCorpus.extensions[1].rules, ipv6: true, legacy: true)
            for ipv6 in [false, true] {
                let result = try NfscopeCLI.run(["legacy", "save", "--netns", ns.name] + (ipv6 ? ["--ipv6"] : []))
                #expect(result.status == 0, "\(result.error)")
                let oracle = try ns.exec([ipv6 ? "ip6tables-legacy-save" : "iptables-legacy-save"])
                let differences = zip(normalisedSave(oracle), normalisedSave(result.output)).filter { $0 != $1 }
                #expect(differences.isEmpty, "\(differences.map { "- \($0)\n+ \($1)" }.joined(separator: "\n"))")
                #expect(normalisedSave(result.output).count == normalisedSave(oracle).count)
            }
            let json = try NfscopeCLI.run(["legacy", "save", "--netns", ns.name, "--json"])
            #expect(json.status == 0)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
            #expect(document["schema_version"] as? Int == 1)
            let tables = try #require(document["tables"] as? [[String: Any]])
            #expect(Set(tables.compactMap { $0["name"] as? String }) == ["nat", "filter"])
            #expect(tables.allSatisfy { $0["backend"] as? String == "legacy" })
            let nat = try #require(tables.first { $0["name"] as? String == "nat" })
            let chains = try #require(nat["chains"] as? [[String: Any]])
            let services = try #require(chains.first { $0["name"] as? String == "KUBE-SERVICES" })
            #expect(services["hook"] == nil)
            let rule = try #require((services["rules"] as? [[String: Any]])?.first)
            #expect(rule["position"] as? Int == 1)
            #expect(rule["matches"] as? [String] == ["comment", "udp"])
            #expect(rule["target"] as? String == "KUBE-SVC-TCOU7JCQXEZGVUNU")
            #expect((rule["text"] as? String)?.hasPrefix("-A KUBE-SERVICES -d 10.96.0.10/32 -p udp") == true)
            let missing = try NfscopeCLI.run(["legacy", "save", "--netns", "nfs-test-no-such-namespace"])
            #expect(missing.status == 3)
            #expect(missing.error.split(separator: "\n").count == 1)
        }
    }
}

extension LegacyDifferentialTests {
    @Test("nfscope legacy save --pid reads an unnamed namespace of a process")
    func byPid() throws {
        try withLab { lab in
            let process = try lab.spawnUnshared(["sleep", "600"])
            let pid = String(process.processIdentifier)
            let own = try Shell.run(["readlink", "/proc/self/ns/net"])
            // unshare enters the new namespace just before exec: wait until the process is in it.
            var entered = false
            for _ in 0..<100 where !entered {
                entered = (try? Shell.run(["readlink", "/proc/\(pid)/ns/net"])).map { $0 != own && $0.contains("net:") } ?? false
                if !entered { usleep(20_000) }
            }
            try #require(entered)
            try Shell.run(["nsenter", "-t", pid, "-n", "iptables-legacy-restore"],
                          input: "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s 192.0.2.0/24 -j DROP\nCOMMIT\n")
            let result = try NfscopeCLI.run(["legacy", "save", "--pid", pid])
            #expect(result.status == 0, "\(result.error)")
            let oracle = try Shell.run(["nsenter", "-t", pid, "-n", "iptables-legacy-save"])
            #expect(normalisedSave(result.output) == normalisedSave(oracle))
            #expect(result.output.contains("-A INPUT -s 192.0.2.0/24 -j DROP"))
        }
    }
}

private let filterWithCounters = """
    *filter
    :INPUT ACCEPT [0:0]
    :FORWARD DROP [0:0]
    :OUTPUT ACCEPT [0:0]
    -A INPUT -p udp -j ACCEPT
    -A OUTPUT -d 127.0.0.0/8
    COMMIT

    """

private func normalisedCommentsOnly(_ text: String) -> [String] {
    text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
}
