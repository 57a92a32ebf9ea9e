import Foundation
import Testing
import TestLab

/// `nfscope ruleset --backend nft|legacy|all` against the save tools of each backend.
@Suite("ruleset --backend", .serialized,
       .enabled(if: Shell.isRoot, "needs root: loads iptables-nft and iptables-legacy rules in throwaway namespaces"))
struct RulesetBackendTests {
    static let nftRules = """
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        :KUBE-SERVICES - [0:0]
        -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
        -A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.42.0.5:80
        COMMIT
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD DROP [0:0]
        :OUTPUT ACCEPT [0:0]
        -A FORWARD -s 10.42.0.0/16 -j ACCEPT
        COMMIT

        """
    static let legacyRules = """
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        -A PREROUTING -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 8080
        COMMIT
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :LEGACY-USER - [0:0]
        -A FORWARD -i eth0 -j LEGACY-USER
        -A LEGACY-USER -p tcp -m tcp --dport 22 -j REJECT --reject-with icmp-port-unreachable
        COMMIT

        """

    private func ruleset(_ ns: LabNamespace, _ arguments: [String]) throws -> String {
        let result = try NfscopeCLI.run(["ruleset", "--netns", ns.name] + arguments)
        #expect(result.status == 0, "\(arguments): \(result.error)")
        return result.output
    }

    @Test("iptables-nft rules only: --backend all prints exactly what --backend nft prints, which is iptables-nft-save")
    func nftOnly() throws {
        try withLab { lab in
            let ns = try lab.namespace("rb-nft")
            try ns.loadIptables(Self.nftRules)
            let all = try ruleset(ns, ["--format", "iptables", "--family", "ip"])
            let nft = try ruleset(ns, ["--format", "iptables", "--family", "ip", "--backend", "nft"])
            #expect(all == nft)
            #expect(!all.contains("backend"))
            #expect(normalisedSave(nft) == normalisedSave(try ns.exec(["iptables-nft-save"])))
            // Both families and the other formats are unchanged too.
            #expect(try ruleset(ns, ["--format", "iptables"]) == ruleset(ns, ["--format", "iptables", "--backend", "nft"]))
            #expect(try ruleset(ns, ["--format", "nft"]) == ruleset(ns, ["--format", "nft", "--backend", "nft"]))
            let json = try ruleset(ns, ["--json"])
            #expect(!json.contains("legacy_tables"))
            // Nothing legacy to show: an empty legacy listing, and no table was created by looking.
            #expect(try ruleset(ns, ["--format", "iptables", "--backend", "legacy"]).isEmpty)
            #expect(try ns.exec(["cat", "/proc/net/ip_tables_names"]).isEmpty)
        }
    }

    @Test("both backends: all shows both parts under their comments; legacy equals iptables-legacy-save; nft equals iptables-nft-save")
    func bothBackends() throws {
        try withLab { lab in
            let ns = try lab.namespace("rb-both")
            try ns.loadIptables(Self.nftRules)
            try ns.loadIptables(Self.legacyRules, legacy: true)
            let all = try ruleset(ns, ["--format", "iptables", "--family", "ip"])
            let lines = all.split(separator: "\n").map(String.init)
            let nftHeader = try #require(lines.firstIndex(of: "# nfscope: iptables-nft (nf_tables) backend"))
            let legacyHeader = try #require(lines.firstIndex(of: "# nfscope: iptables-legacy (x_tables) backend"))
            #expect(nftHeader == 0)
            #expect(nftHeader < legacyHeader)
            let nftSave = normalisedSave(try ns.exec(["iptables-nft-save"]))
            let legacySave = normalisedSave(try ns.exec(["iptables-legacy-save"]))
            #expect(normalisedSave(lines[..<legacyHeader].joined(separator: "\n")) == nftSave)
            #expect(normalisedSave(lines[legacyHeader...].joined(separator: "\n")) == legacySave)
            #expect(lines.contains("-A PREROUTING -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 8080"))

            let legacy = try ruleset(ns, ["--format", "iptables", "--family", "ip", "--backend", "legacy"])
            #expect(normalisedSave(legacy) == legacySave)
            let nft = try ruleset(ns, ["--format", "iptables", "--family", "ip", "--backend", "nft"])
            #expect(normalisedSave(nft) == nftSave)
            // A table filter reaches the legacy part too.
            let nat = try ruleset(ns, ["--format", "iptables", "--backend", "legacy", "--table", "nat"])
            #expect(normalisedSave(nat) == normalisedSave(try ns.exec(["iptables-legacy-save", "-t", "nat"])))

            // nft format: legacy has no nft form (usage error); with all a trailing comment names the tables.
            let refused = try NfscopeCLI.run(["ruleset", "--netns", ns.name, "--backend", "legacy"])
            #expect(refused.status == 2)
            let nftText = try ruleset(ns, ["--format", "nft"])
            let note = try #require(nftText.split(separator: "\n").last.map(String.init))
            #expect(note.hasPrefix("# nfscope: iptables-legacy (x_tables) tables not shown (no nft form): "))
            #expect(note.contains("ip nat") && note.contains("ip filter"))

            // json: legacy_tables next to tables; only them with --backend legacy.
            let document = try #require(try JSONSerialization.jsonObject(with: Data(ruleset(ns, ["--json"]).utf8)) as? [String: Any])
            let legacyTables = try #require(document["legacy_tables"] as? [[String: Any]])
            #expect(Set(legacyTables.compactMap { $0["name"] as? String }) == ["nat", "filter"])
            #expect(legacyTables.allSatisfy { $0["family"] as? String == "ip" && $0["backend"] as? String == "legacy" })
            #expect((document["tables"] as? [Any])?.isEmpty == false)
            let only = try #require(try JSONSerialization.jsonObject(
                with: Data(ruleset(ns, ["--json", "--backend", "legacy"]).utf8)) as? [String: Any])
            #expect((only["tables"] as? [Any])?.isEmpty == true)
            #expect((only["legacy_tables"] as? [Any])?.count == 2)
            #expect(only["schema_version"] as? Int == 1)
        }
    }
}
