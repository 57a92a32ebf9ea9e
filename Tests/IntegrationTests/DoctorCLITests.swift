import DemoLab
import Foundation
import Testing
import TestLab

/// `nfscope doctor` as a user runs it: exit codes 0 / 1 / 3 and the JSON contract.
@Suite("nfscope doctor CLI", .serialized, .enabled(if: Shell.isRoot, "needs root: creates network namespaces"))
struct DoctorCLITests {
    @Test("exit 0 and `no findings` on a bare namespace; exit 3 with one line for a missing one")
    func exitCodes() throws {
        try withLab { lab in
            let bare = try lab.namespace("bare")
            let clean = try NfscopeCLI.run(["doctor", "--node-netns", bare.name, "--interval", "0"])
            #expect(clean.status == 0, "\(clean.output) \(clean.error)")
            #expect(clean.output.contains("no findings"))
            let missing = try NfscopeCLI.run(["doctor", "--node-netns", "\(bare.name)-missing", "--interval", "0"])
            #expect(missing.status == 3)
            #expect(missing.error.split(separator: "\n").count == 1 && missing.error.hasPrefix("nfscope: "), "\(missing.error)")
            let usage = try NfscopeCLI.run(["doctor", "--interval", "-1"])
            #expect(usage.status == 2)
        }
    }

    @Test("as nobody: exit 3 with one line saying it needs root")
    func nonRoot() throws {
        try withLab { lab in
            let node = try lab.namespace("nr")
            let binary = try NonRootTests.executableByNobody(try NonRootTests.nfscopeBinary())
            defer { binary.cleanup() }
            let result = try Shell.runCapturing(NonRootTests.nobody + [binary.path, "doctor", "--node-netns", node.name, "--interval", "0"])
            #expect(result.status == 3)
            #expect(result.error.split(separator: "\n").count == 1 && result.error.contains("needs root"), "\(result.error)")
        }
    }

    @Test("a faulty lab: exit 1, text with evidence and fix lines, and the JSON contract")
    func findings() throws {
        let lab = try buildDemoLab("doc-cli")
        defer { finish(lab) }
        try lab.apply(.transparentProxyRedirect)
        let text = try NfscopeCLI.run(["doctor", "--node-netns", lab.nodeNamespace, "--interval", "0"])
        #expect(text.status == 1, "\(text.error)")
        #expect(text.error.isEmpty)
        #expect(text.output.contains("nat_capture_before_kube_proxy"))
        #expect(text.output.contains("service_without_endpoints"))
        #expect(text.output.contains("REDIRECT --to-ports 3129"))
        #expect(text.output.split(separator: "\n").contains { $0.hasPrefix("        fix       ") })

        let json = try NfscopeCLI.run(["doctor", "--node-netns", lab.nodeNamespace, "--interval", "0", "--json"])
        #expect(json.status == 1, "\(json.error)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        #expect(document["schema_version"] as? Int == 1)
        #expect(document["node"] as? String == lab.nodeNamespace)
        #expect((document["pods_examined"] as? [[String: Any]])?.count == DemoTopology.pods.count)
        #expect(document["notes"] is [String])
        let findings = try #require(document["findings"] as? [[String: Any]])
        #expect(findings.allSatisfy { ["check", "severity", "summary", "evidence", "fix"].allSatisfy($0.keys.contains) })
        let capture = try #require(findings.first { $0["check"] as? String == "nat_capture_before_kube_proxy" })
        #expect(capture["severity"] as? String == "error")
        let evidence = try #require((capture["evidence"] as? [[String: Any]])?.first)
        #expect(evidence["kind"] as? String == "rule")
        let rule = try #require(evidence["rule"] as? [String: Any])
        #expect(rule["table"] as? String == "nat" && rule["chain"] as? String == "PREROUTING")
        #expect(rule["backend"] as? String == "iptables-nft" && rule["handle"] is Int)
    }
}
