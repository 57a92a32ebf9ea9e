import Conntrack
import Foundation
import NetCore
import NetNS
import Testing
import TestLab

/// The nfscope executable next to the test bundle (`swift build --build-tests` builds it).
enum NfscopeBinary {
    static let path = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("nfscope").path
}

/// The `nfscope conntrack` commands as an operator runs them: output shape and exit codes.
@Suite("nfscope conntrack CLI", .serialized,
       .enabled(if: Shell.isRoot, "needs root: creates network namespaces"),
       .enabled(if: FileManager.default.isExecutableFile(atPath: NfscopeBinary.path), "needs the nfscope binary (swift build)"))
struct ConntrackCLITests {
    static let binary = NfscopeBinary.path

    static func run(_ arguments: [String], user: String? = nil) throws -> (status: Int32, output: String, error: String) {
        let command = (user.map { ["setpriv", "--reuid=\($0)", "--regid=nogroup", "--clear-groups"] } ?? []) + [binary] + arguments
        return try Shell.runCapturing(command)
    }

    /// A namespace with three UDP flows to port 53, two to 54, and one DNAT'ed TCP flow.
    static func table(_ lab: Lab) throws -> LabNamespace {
        let table = try lab.namespace("cli")
        let reader = try ConntrackReader(namespace: NamespaceHandle(path: table.path))
        for index in 0..<5 { try reader.insert(ConntrackDeleteTests.udp(index, dport: index < 3 ? 53 : 54)) }
        let client = IPAddress("10.0.0.9")!, service = IPAddress("10.43.143.185")!
        try reader.insert(Flow(family: .ipv4,
                               original: Tuple(source: client, destination: service, l4: .ports(.tcp, source: 41000, destination: 80)),
                               reply: Tuple(source: service, destination: client, l4: .ports(.tcp, source: 80, destination: 41000)),
                               status: [.seenReply, .assured], protocolState: .tcp(.established), timeout: 3600),
                          destinationNAT: Endpoint(address: IPAddress("10.42.0.152")!, port: 9090))
        return table
    }

    @Test("list --json prints one object per line; the table shows the DNAT")
    func list() throws {
        try withLab { lab in
            let table = try Self.table(lab)
            let json = try Self.run(["conntrack", "list", "--netns", table.name, "--json"])
            #expect(json.status == 0)
            let lines = json.output.split(separator: "\n")
            #expect(lines.count == 6)
            for line in lines {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect(object?["schema_version"] as? Int == 1)
            }
            let text = try Self.run(["conntrack", "list", "--netns", table.name, "--nat", "dnat"])
            #expect(text.status == 0)
            #expect(text.output.contains("10.0.0.9:41000 → 10.43.143.185:80"))
            #expect(text.output.contains("DNAT → 10.42.0.152:9090"))
            #expect(text.output.split(separator: "\n").count == 2)
            let udp = try Self.run(["conntrack", "list", "--netns", table.name, "-p", "udp", "--dport", "53", "--json"])
            #expect(udp.output.split(separator: "\n").count == 3)
        }
    }

    @Test("delete is a dry run without --yes and deletes exactly the selection with it")
    func delete() throws {
        try withLab { lab in
            let table = try Self.table(lab)
            let dry = try Self.run(["conntrack", "delete", "--netns", table.name, "-p", "udp", "--dport", "53", "--json"])
            #expect(dry.status == 0)
            #expect(dry.output.split(separator: "\n").allSatisfy { $0.contains("\"action\":\"would_delete\"") })
            #expect(try ConntrackDeleteTests.oracleIDs(table).count == 6)
            let real = try Self.run(["conntrack", "delete", "--netns", table.name, "-p", "udp", "--dport", "53", "--yes"])
            #expect(real.status == 0)
            #expect(real.output.split(separator: "\n").filter { $0.hasPrefix("deleted") }.count == 3)
            #expect(real.error.contains("deleted 3 flow(s)"))
            let left = try table.exec(["conntrack", "-L"], allowFailure: true)
            #expect(!left.contains("dport=53 ") && left.contains("dport=54") && left.contains("dport=80"))
        }
    }

    @Test("get, stats and watch")
    func getStatsWatch() throws {
        try withLab { lab in
            let table = try Self.table(lab)
            let found = try Self.run(["conntrack", "get", "--netns", table.name, "-p", "tcp", "--src", "10.0.0.9",
                                      "--dst", "10.43.143.185", "--sport", "41000", "--dport", "80", "--json"])
            #expect(found.status == 0 && found.output.contains("\"kind\":\"dnat\""))
            let missing = try Self.run(["conntrack", "get", "--netns", table.name, "-p", "tcp", "--src", "10.0.0.9",
                                        "--dst", "10.43.143.185", "--sport", "41001", "--dport", "80"])
            #expect(missing.status == 1)
            #expect(missing.error.hasPrefix("nfscope: no conntrack entry"))
            let stats = try Self.run(["conntrack", "stats", "--netns", table.name, "--json"])
            let object = try JSONSerialization.jsonObject(with: Data(stats.output.utf8)) as? [String: Any]
            #expect(object?["entries"] as? Int == 6)
            #expect((object?["max_entries"] as? Int ?? 0) > 0)
            #expect((object?["per_cpu"] as? [Any])?.isEmpty == false)

            let watch = Process()
            watch.executableURL = URL(fileURLWithPath: Self.binary)
            watch.arguments = ["conntrack", "watch", "--netns", table.name, "--json", "--count", "1", "--seconds", "20"]
            let pipe = Pipe()
            watch.standardOutput = pipe
            try watch.run()
            Thread.sleep(forTimeInterval: 0.5)
            try table.exec(["conntrack", "-I", "-p", "udp", "-s", "10.9.9.9", "-d", "10.0.0.2", "--sport", "1", "--dport", "2", "-t", "3600"])
            watch.waitUntilExit()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(watch.terminationStatus == 0)
            #expect(output.contains("\"event\":\"new\"") && output.contains("10.9.9.9"))
        }
    }

    @Test("errors: not root, no such namespace, bad flags; one line each, documented exit codes")
    func errors() throws {
        try withLab { lab in
            let table = try Self.table(lab)
            let notRoot = try Self.run(["conntrack", "list", "--netns", table.name], user: "nobody")
            #expect(notRoot.status == 3)
            #expect(notRoot.error.hasPrefix("nfscope: ") && notRoot.error.contains("root"))
            #expect(notRoot.error.split(separator: "\n").count == 1)
            #expect(notRoot.output.isEmpty)
            let ownNamespace = try Self.run(["conntrack", "list"], user: "nobody")
            #expect(ownNamespace.status == 3 && ownNamespace.error.contains("CAP_NET_ADMIN"))
            let missing = try Self.run(["conntrack", "list", "--netns", "nfs-test-no-such-namespace"])
            #expect(missing.status == 3)
            #expect(missing.error == "nfscope: network namespace nfs-test-no-such-namespace does not exist\n")
            #expect(try Self.run(["conntrack", "list", "--nat", "sideways"]).status == 2)
            #expect(try Self.run(["conntrack", "list", "--netns", "a", "--pid", "1"]).status == 2)
        }
    }
}
