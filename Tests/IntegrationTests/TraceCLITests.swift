import Foundation
import NetNS
import Testing
import TestLab

/// `nfscope trace` as a user runs it: flags, exit codes, the JSON contract.
@Suite("nfscope trace CLI", .serialized, .enabled(if: Shell.isRoot, "needs root: creates network namespaces"))
struct TraceCLITests {
    @Test("--json prints the contract fields; exit 0 for ok and for refused")
    func jsonContract() throws {
        try withLab { lab in
            let client = try lab.namespace("client")
            let server = try lab.namespace("server")
            try lab.veth(client, "eth0", addresses: ["10.51.0.1/24"], server, "eth0", addresses: ["10.51.0.2/24"])
            let listener = try server.listenTCP(port: 8080)
            defer { listener.close() }
            let ok = try NfscopeCLI.run(["trace", "--from-netns", client.name, "--dst", "10.51.0.2", "--dport", "8080",
                                         "--proto", "tcp", "--json"])
            #expect(ok.status == 0, "\(ok.error)")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(ok.output.utf8)) as? [String: Any])
            #expect(document["schema_version"] as? Int == 1)
            #expect(document["outcome"] as? String == "ok")
            #expect(document["verdict"] as? String == "accept")
            let delivered = try #require(document["delivered_to"] as? [String: Any])
            #expect(delivered["namespace"] as? String == server.name)
            #expect(delivered["address"] as? String == "10.51.0.2")
            #expect(delivered["port"] as? Int == 8080)
            #expect((document["steps"] as? [Any])?.isEmpty == false)
            #expect(document["decisive_rule"] is NSNull)

            try server.loadIptables("""
                *filter
                :INPUT ACCEPT [0:0]
                -A INPUT -p tcp --dport 8080 -j REJECT --reject-with tcp-reset
                COMMIT
                """)
            let refused = try NfscopeCLI.run(["trace", "--from-netns", client.path, "--src", "10.51.0.1", "--sport", "40000",
                                              "--dst", "10.51.0.2", "--dport", "8080", "--json"])
            #expect(refused.status == 0, "\(refused.error)")
            let rejected = try #require(try JSONSerialization.jsonObject(with: Data(refused.output.utf8)) as? [String: Any])
            #expect(rejected["outcome"] as? String == "refused")
            #expect(rejected["verdict"] as? String == "reject")
            let rule = try #require(rejected["decisive_rule"] as? [String: Any])
            #expect(rule["backend"] as? String == "iptables-nft")
            #expect(rule["table"] as? String == "filter")
            #expect(rule["chain"] as? String == "INPUT")
            #expect(rule["handle"] as? Int != nil)
            #expect((rule["text"] as? String)?.contains("--reject-with tcp-reset") == true)
            #expect((rejected["packet"] as? [String: Any])?["source_port"] as? Int == 40000)

            let text = try NfscopeCLI.run(["trace", "--from-netns", client.name, "--dst", "10.51.0.2", "--dport", "8080"])
            #expect(text.status == 0)
            #expect(text.output.contains("outcome: REFUSED"))
            #expect(text.output.contains("-A INPUT -p tcp -m tcp --dport 8080 -j REJECT --reject-with tcp-reset"))
        }
    }

    @Test("--from-pid traces from the namespace of a process")
    func fromPid() throws {
        try withLab { lab in
            let client = try lab.namespace("client")
            let server = try lab.namespace("server")
            try lab.veth(client, "eth0", addresses: ["10.52.0.1/24"], server, "eth0", addresses: ["10.52.0.2/24"])
            let listener = try server.listenTCP(port: 8080)
            defer { listener.close() }
            let process = try lab.spawn(client, ["sleep", "600"])
            // `ip netns exec` enters the namespace and then execs sleep in the same process: wait for that.
            let target = try NamespaceHandle(path: client.path).id
            for _ in 0..<50 where NamespaceHandle.identity(ofPath: "/proc/\(process.processIdentifier)/ns/net", label: "p") != target {
                usleep(20_000)
            }
            let result = try NfscopeCLI.run(["trace", "--from-pid", "\(process.processIdentifier)", "--dst", "10.52.0.2",
                                             "--dport", "8080", "--json"])
            #expect(result.status == 0, "\(result.error)")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
            #expect(document["outcome"] as? String == "ok")
            #expect((document["packet"] as? [String: Any])?["source"] as? String == "10.52.0.1")
        }
    }

    @Test("a namespace that does not exist exits 3; a usage error exits 2")
    func exitCodes() throws {
        let missing = try NfscopeCLI.run(["trace", "--from-netns", "nfs-test-no-such-namespace", "--dst", "10.0.0.1",
                                          "--dport", "80"])
        #expect(missing.status == 3, "\(missing.error)")
        #expect(missing.error.contains("nfs-test-no-such-namespace"))
        let usage = try NfscopeCLI.run(["trace", "--from-netns", "x", "--from-pid", "1", "--dst", "10.0.0.1", "--dport", "80"])
        #expect(usage.status == 2)
        let badProto = try NfscopeCLI.run(["trace", "--from-pid", "1", "--dst", "10.0.0.1", "--dport", "80", "--proto", "sctp"])
        #expect(badProto.status == 2)
    }
}
