import Foundation
import NFScope
import Testing
import TestLab

/// Conntrack first, judged by the kernel: a stale UDP entry keeps its flow going to the old backend after
/// the DNAT rule moved on, while a new source port follows the rule.
@Suite("trace: live conntrack entries, judged by the kernel", .serialized,
       .enabled(if: Shell.isRoot, "needs root: creates network namespaces"))
struct TraceConntrackTests {
    static let service = "10.43.0.10"
    static let stalePort: UInt16 = 40_000

    /// client 10.61.1.2 — node (10.61.1.1 | 10.61.2.1 | 10.61.3.1, forwarding) — backends A 10.61.2.2 and
    /// B 10.61.3.2; the node DNATs UDP 10.43.0.10:5353 to a backend.
    struct ServiceLab {
        let client: LabNamespace
        let node: LabNamespace
        let backendA: LabNamespace
        let backendB: LabNamespace

        init(_ lab: Lab) throws {
            client = try lab.namespace("client")
            node = try lab.namespace("node")
            backendA = try lab.namespace("a")
            backendB = try lab.namespace("b")
            try lab.veth(client, "eth0", addresses: ["10.61.1.2/24"], node, "eth-c", addresses: ["10.61.1.1/24"])
            try lab.veth(node, "eth-a", addresses: ["10.61.2.1/24"], backendA, "eth0", addresses: ["10.61.2.2/24"])
            try lab.veth(node, "eth-b", addresses: ["10.61.3.1/24"], backendB, "eth0", addresses: ["10.61.3.2/24"])
            for (namespace, gateway) in [(client, "10.61.1.1"), (backendA, "10.61.2.1"), (backendB, "10.61.3.1")] {
                try namespace.exec(["ip", "route", "add", "default", "via", gateway])
            }
            try node.sysctl("net.ipv4.ip_forward=1")
        }

        /// Replaces the node's nat table with one DNAT of the service to `backend`.
        func pointService(at backend: String) throws {
            try node.loadIptables("""
                *nat
                :PREROUTING ACCEPT [0:0]
                -A PREROUTING -d \(TraceConntrackTests.service)/32 -p udp --dport 5353 -j DNAT --to-destination \(backend):5353
                COMMIT
                """)
        }

        func trace(sourcePort: UInt16?) throws -> TraceReport {
            try Tracer().trace(from: client.path, proto: .udp, source: nil, sourcePort: sourcePort,
                               destination: IPAddress(TraceConntrackTests.service)!, destinationPort: 5353)
        }
    }

    /// The node's conntrack ids for the stale source port, from `conntrack -L` (the oracle).
    func oracleIDs(_ node: LabNamespace) throws -> [UInt32] {
        let text = try node.exec(["conntrack", "-L", "-p", "udp", "--orig-port-src", "\(Self.stalePort)", "-o", "id"],
                                 allowFailure: true)
        return text.split(separator: "\n").compactMap { line in
            line.split(separator: " ").last { $0.hasPrefix("id=") }.flatMap { UInt32($0.dropFirst(3)) }
        }
    }

    @Test("a stale UDP entry: --sport predicts the old backend, a new flow the new one with a warning")
    func staleUDPEntry() throws {
        try withLab { lab in
            let world = try ServiceLab(lab)
            let echoA = try world.backendA.listenUDPEcho(port: 5353)
            let echoB = try world.backendB.listenUDPEcho(port: 5353)
            defer { echoA.close(); echoB.close() }
            try world.pointService(at: "10.61.2.2")
            #expect(try world.client.exchangeUDP(to: Self.service, port: 5353, sourcePort: Self.stalePort) == .ok)
            let ids = try oracleIDs(world.node)
            #expect(ids.count == 1, "the node should hold one entry for the source port: \(ids)")

            // The rule moves to B and A stops answering; the entry for the stale port stays.
            try world.pointService(at: "10.61.3.2")
            echoA.close()

            let stale = try world.trace(sourcePort: Self.stalePort)
            let staleActual = try world.client.exchangeUDP(to: Self.service, port: 5353, sourcePort: Self.stalePort)
            #expect(staleActual == .refused, "the kernel should keep sending the stale flow to A's closed port")
            #expect(stale.outcome == staleActual.rawValue, "predicted \(stale.outcome): \(stale.reason)")
            let used = try #require(stale.conntrack.entryUsed, "no conntrack entry used: \(stale.steps.map(\.effect))")
            #expect(used.namespace == world.node.name)
            #expect(ids.contains(used.id ?? 0), "entry id \(String(describing: used.id)), oracle \(ids)")
            #expect(used.reply.source == "10.61.2.2")
            #expect(used.nat == "DNAT \(Self.service):5353 → 10.61.2.2:5353")
            #expect(used.status.contains("SEEN_REPLY"))
            let step = stale.steps.first { $0.hook == "conntrack" }
            #expect(step?.effect.contains("conntrack entry id \(used.id ?? 0) (UDP, DNAT") == true, "\(stale.steps.map(\.effect))")
            #expect(step?.effect.contains("nat rules are not consulted") == true)
            #expect(stale.reason.contains("conntrack entry id \(used.id ?? 0)"), "\(stale.reason)")
            #expect(!stale.steps.contains { $0.text?.contains("DNAT") == true }, "the nat rule should not run")
            try expectCLI(world, used: used.id ?? 0)

            let fresh = try world.trace(sourcePort: nil)
            let freshActual = try world.client.exchangeUDP(to: Self.service, port: 5353)
            #expect(freshActual == .ok, "a new source port should follow the rule to B")
            #expect(fresh.outcome == freshActual.rawValue, "predicted \(fresh.outcome): \(fresh.reason)")
            #expect(fresh.deliveredTo?.namespace == world.backendB.name)
            #expect(fresh.conntrack.entryUsed == nil)
            #expect(fresh.conntrack.otherEntries.contains { $0.id == used.id && $0.original.sourcePort == Self.stalePort },
                    "\(fresh.conntrack.otherEntries.map(\.original))")
            #expect(fresh.warnings.contains { $0.contains("conntrack entry id \(used.id ?? 0)") && $0.contains("new flow") },
                    "\(fresh.warnings)")
        }
    }

    /// The CLI says the same: the entry in the text, `conntrack.entry_used` and `other_entries` in the JSON.
    func expectCLI(_ world: ServiceLab, used id: UInt32, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let base = ["trace", "--from-netns", world.client.name, "--dst", Self.service, "--dport", "5353", "--proto", "udp"]
        let text = try NfscopeCLI.run(base + ["--sport", "\(Self.stalePort)"])
        #expect(text.status == 0)
        #expect(text.output.contains("conntrack entry id \(id) (UDP, DNAT") && text.output.contains("nat rules are not consulted"),
                "\(text.output)", sourceLocation: sourceLocation)
        let json = try NfscopeCLI.run(base + ["--sport", "\(Self.stalePort)", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
        let conntrack = object?["conntrack"] as? [String: Any]
        let entry = conntrack?["entry_used"] as? [String: Any]
        #expect((entry?["id"] as? NSNumber)?.uint32Value == id, "\(json.output)", sourceLocation: sourceLocation)
        #expect((entry?["reply"] as? [String: Any])?["source"] as? String == "10.61.2.2", sourceLocation: sourceLocation)
        let fresh = try NfscopeCLI.run(base + ["--json"])
        let freshObject = try JSONSerialization.jsonObject(with: Data(fresh.output.utf8)) as? [String: Any]
        let freshConntrack = freshObject?["conntrack"] as? [String: Any]
        #expect(freshConntrack?["entry_used"] is NSNull, "\(fresh.output)", sourceLocation: sourceLocation)
        let others = freshConntrack?["other_entries"] as? [[String: Any]] ?? []
        #expect(others.contains { ($0["id"] as? NSNumber)?.uint32Value == id }, "\(fresh.output)", sourceLocation: sourceLocation)
        #expect(freshConntrack?["other_entries_not_shown"] as? Int == 0, sourceLocation: sourceLocation)
    }

    @Test("--sport with no entry is a new flow: the rule decides, and the kernel agrees")
    func sportWithoutEntry() throws {
        try withLab { lab in
            let world = try ServiceLab(lab)
            let echoB = try world.backendB.listenUDPEcho(port: 5353)
            defer { echoB.close() }
            try world.pointService(at: "10.61.3.2")
            let predicted = try world.trace(sourcePort: 40_123)
            #expect(predicted.conntrack.entryUsed == nil)
            #expect(predicted.conntrack.otherEntries.isEmpty)
            let actual = try world.client.exchangeUDP(to: Self.service, port: 5353, sourcePort: 40_123)
            #expect(actual == .ok)
            #expect(predicted.outcome == actual.rawValue, "predicted \(predicted.outcome): \(predicted.reason)")
            #expect(predicted.deliveredTo?.namespace == world.backendB.name)
        }
    }
}
