import DemoLab
import Foundation
import Testing
import TestLab

/// `nfscope demo` end to end: it builds the incident lab, explains it, and leaves nothing behind. The
/// predicted outcome of pod → ClusterIP:80 is compared with what the kernel did for the same fault
/// (`DemoFault.podOutcome`, which DemoLabTests checks against real connections).
@Suite("nfscope demo", .serialized, .enabled(if: Shell.isRoot, "needs root: builds namespaces"))
struct DemoCommandTests {
    @Test("explains the default incident: pod → :80 refused by the hostPort DNAT, node → :80 and pod → :9090 ok")
    func defaultIncident() throws {
        let result = try NfscopeCLI.run(["demo", "--json"])
        #expect(result.status == 0, "\(result.error)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(document["schema_version"] as? Int == 1)
        let pod80 = try #require(document["pod_to_port80"] as? [String: Any])
        let node80 = try #require(document["node_to_port80"] as? [String: Any])
        let pod9090 = try #require(document["pod_to_port9090"] as? [String: Any])
        #expect(pod80["outcome"] as? String == "refused")
        #expect(node80["outcome"] as? String == "ok")
        #expect(pod9090["outcome"] as? String == "ok")
        let decisive = try #require(pod80["decisive_rule"] as? [String: Any])
        #expect(decisive["table"] as? String == "nat")
        #expect((decisive["chain"] as? String)?.hasPrefix("CNI-DN-") == true)
        #expect((decisive["text"] as? String)?.contains("--to-destination 10.42.0.20:80") == true)
        let parting = try #require(document["parts_from_port9090_at"] as? [String: Any])
        #expect(parting["chain"] as? String == "CNI-HOSTPORT-DNAT")
        // doctor ran on the lab first: it names the capture (citing the same DNAT rule) and the intended
        // no-endpoint service, and nothing else.
        let doctor = try #require(document["doctor"] as? [String: Any])
        let findings = try #require(doctor["findings"] as? [[String: Any]])
        #expect(Set(findings.compactMap { $0["check"] as? String }) == ["nat_capture_before_kube_proxy", "service_without_endpoints"])
        let capture = try #require(findings.first { $0["check"] as? String == "nat_capture_before_kube_proxy" })
        let cited = (capture["evidence"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? [String: Any] }
        #expect(cited.contains { $0["handle"] as? Int == decisive["handle"] as? Int && $0["chain"] as? String == decisive["chain"] as? String })
        let prefix = try #require(document["prefix"] as? String)
        #expect(DemoLab.leftovers(prefix: prefix).namespaces.isEmpty)
        #expect(DemoLab.leftovers(prefix: prefix).processes.isEmpty)
    }

    @Test("each fault in both kube-proxy modes: the predicted pod → :80 outcome is what the kernel did, and the controls work",
          arguments: DemoFault.allCases, ["iptables", "nftables"])
    func faultPredictions(fault: DemoFault, mode: String) throws {
        let result = try NfscopeCLI.run(["demo", "--json", "--fault", fault.rawValue, "--proxy-mode", mode])
        #expect(result.status == 0, "\(result.error)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let pod80 = try #require(document["pod_to_port80"] as? [String: Any])
        let predicted = try #require(pod80["outcome"] as? String)
        if predicted == "ambiguous" {
            // Equal-priority chains: the kernel's outcome must be among the alternatives.
            let alternatives = try #require(pod80["alternatives"] as? [[String: Any]])
            #expect(alternatives.contains { $0["outcome"] as? String == fault.podOutcome.rawValue })
        } else {
            #expect(predicted == fault.podOutcome.rawValue, "\(pod80["reason"] ?? "")")
        }
        #expect((document["node_to_port80"] as? [String: Any])?["outcome"] as? String == "ok")
        #expect((document["pod_to_port9090"] as? [String: Any])?["outcome"] as? String == "ok")
        // doctor's error finding cites a rule in the fault's chain.
        let findings = try #require((document["doctor"] as? [String: Any])?["findings"] as? [[String: Any]])
        let errors = findings.filter { $0["severity"] as? String == "error" }
        let cited = errors.flatMap { ($0["evidence"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? [String: Any] } }
        #expect(cited.contains { $0["chain"] as? String == fault.site.chain && $0["table"] as? String == fault.site.table },
                "doctor's errors: \(errors.map { $0["summary"] ?? "" })")
    }

    @Test("Ctrl-C during the demo removes the lab and exits 130")
    func interrupted() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: NfscopeCLI.executablePath)
        process.arguments = ["demo"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let prefix = "nfs-demo-\(process.processIdentifier)"
        // Wait until the build has started, then interrupt it.
        for _ in 0..<200 where DemoLab.leftovers(prefix: prefix).namespaces.isEmpty { usleep(10_000) }
        usleep(300_000)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        let left = DemoLab.leftovers(prefix: prefix)
        #expect(left.namespaces.isEmpty, "left namespaces: \(left.namespaces)")
        #expect(left.processes.isEmpty, "left processes: \(left.processes)")
        DemoLab.sweep(prefix: prefix)
    }
}
