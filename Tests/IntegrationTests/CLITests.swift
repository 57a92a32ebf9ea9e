import Foundation
import Testing
import TestLab

@Suite("command line", .serialized, .enabled(if: Shell.isRoot, "needs root: reads every namespace"))
struct CLITests {
    @Test("--version prints the version and exits 0")
    func version() throws {
        let result = try NfscopeCLI.run(["--version"])
        #expect(result.status == 0)
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
    }

    @Test("a usage error exits 2 with one message on stderr")
    func usageError() throws {
        let result = try NfscopeCLI.run(["netns", "list", "--no-such-flag"])
        #expect(result.status == 2)
        #expect(result.error.contains("--no-such-flag"))
        #expect(result.error.split(separator: "\n").count == 1)
        #expect(result.output.isEmpty)
    }

    @Test("netns list --json: schema_version, snake_case keys, the lab's namespace with its veth")
    func netnsListJSON() throws {
        try withLab { lab in
            let a = try lab.namespace("json-a")
            let b = try lab.namespace("json-b")
            try lab.veth(a, "veth-a", addresses: ["10.97.0.1/24"], b, "veth-b", addresses: ["10.97.0.2/24"])
            let result = try NfscopeCLI.run(["netns", "list", "--json"])
            #expect(result.status == 0, "\(result.error)")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
            #expect(document["schema_version"] as? Int == 1)
            let namespaces = try #require(document["namespaces"] as? [[String: Any]])
            let entry = try #require(namespaces.first { ($0["names"] as? [String])?.contains(a.name) == true })
            #expect(entry["is_current"] as? Bool == false)
            #expect(entry["process_count"] as? Int == 0)
            let interfaces = try #require(entry["interfaces"] as? [[String: Any]])
            let veth = try #require(interfaces.first { $0["name"] as? String == "veth-a" })
            #expect(veth["kind"] as? String == "veth")
            #expect((veth["addresses"] as? [String])?.contains("10.97.0.1/24") == true)
            let peer = try #require(veth["peer"] as? [String: Any])
            #expect(peer["name"] as? String == "veth-b")
            #expect(peer["namespace"] as? String == b.name)
            #expect(peer["namespace_inode"] is Int)
        }
    }

    @Test("netns list text shows the lab namespace, its interface and the veth peer")
    func netnsListText() throws {
        try withLab { lab in
            let a = try lab.namespace("text-a")
            let b = try lab.namespace("text-b")
            try lab.veth(a, "veth-a", addresses: ["10.96.0.1/24"], b, "veth-b")
            let result = try NfscopeCLI.run(["netns", "list"])
            #expect(result.status == 0)
            let block = result.output.components(separatedBy: "\n\n").first { $0.hasPrefix("netns \(a.name) ") }
            let text = try #require(block)
            #expect(text.contains("veth-a"))
            #expect(text.contains("10.96.0.1/24"))
            #expect(text.contains("peer veth-b in \(b.name)"))
        }
    }
}
