import DemoLab
import Foundation
import NFScope
import Testing
import TestLab

/// Doctor on the demo lab: each fault named by the right check with evidence at the fault's site (the
/// handle checked against `nft -a list`), only the no-endpoint service on the healthy lab, and each node
/// check firing on its targeted change and not otherwise.
@Suite("doctor on the demo lab", .serialized, .enabled(if: Shell.isRoot, "needs root: creates network namespaces"))
struct DoctorLabTests {
    func examine(_ lab: DemoLab) throws -> DoctorReport {
        try Doctor(interval: 0).examine(node: lab.nodeNamespace)
    }

    func checks(_ report: DoctorReport) -> Set<DoctorCheck> { Set(report.findings.map(\.check)) }

    /// The check that names each fault.
    static func expectedCheck(_ fault: DemoFault) -> DoctorCheck {
        switch fault {
        case .hostPortWithoutLocalGuard, .transparentProxyRedirect, .nftablesNATSamePriority: return .natCaptureBeforeKubeProxy
        case .forwardReject, .networkPolicyDrop, .nftablesForwardDrop: return .forwardDropForPods
        case .sidecarRedirectWithoutProxy: return .sidecarRedirectWithoutListener
        }
    }

    /// What the decisive rule does, as `nft -a list` prints it.
    static func verdictWord(_ fault: DemoFault) -> [String] {
        switch fault {
        case .hostPortWithoutLocalGuard, .nftablesNATSamePriority: return ["dnat"]
        case .transparentProxyRedirect, .sidecarRedirectWithoutProxy: return ["redirect"]
        case .forwardReject: return ["reject"]
        case .networkPolicyDrop, .nftablesForwardDrop: return ["drop"]
        }
    }

    /// Only the no-endpoint service `demo/empty`, cited where kube-proxy rejects it.
    func expectOnlyEmptyService(_ report: DoctorReport, mode: ProxyMode, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(report.findings.map(\.check) == [.serviceWithoutEndpoints], "\(report.findings)", sourceLocation: sourceLocation)
        guard let finding = report.findings.first else { return }
        #expect(finding.summary.contains("demo/empty:http"), sourceLocation: sourceLocation)
        switch mode {
        case .iptables:
            let rule = finding.evidence.first?.rule
            #expect(rule?.table == "filter" && rule?.chain == "KUBE-SERVICES" && rule?.handle != nil, sourceLocation: sourceLocation)
            #expect(rule?.text?.contains("REJECT") == true, sourceLocation: sourceLocation)
        case .nftables:
            let element = finding.evidence.first?.setElement
            #expect(element?.table == "kube-proxy" && element?.set == "no-endpoint-services", sourceLocation: sourceLocation)
            #expect(element?.comment == "demo/empty:http" && element?.key == "10.43.0.20 . tcp . 80", sourceLocation: sourceLocation)
        }
    }

    @Test("healthy lab: only the no-endpoint service demo/empty; all four pods examined", arguments: ProxyMode.allCases)
    func healthy(mode: ProxyMode) throws {
        let lab = try buildDemoLab("doc-ok", mode: mode)
        defer { finish(lab) }
        let report = try examine(lab)
        expectOnlyEmptyService(report, mode: mode)
        #expect(report.node == lab.nodeNamespace)
        #expect(Set(report.podsExamined.map(\.netns)) == Set(DemoTopology.pods.map { lab.namespace(of: $0) }))
        #expect(report.podsExamined.first { $0.netns == lab.namespace(of: DemoTopology.client) }?.addresses == ["10.42.0.10"])
    }

    @Test("each fault: doctor names it with the right check and evidence at its site", arguments: DemoFault.allCases)
    func faultIptablesMode(_ fault: DemoFault) throws {
        try checkFault(fault, mode: .iptables)
    }

    @Test("nftables proxy mode: the faults that share kube-proxy's hook and priority",
          arguments: [DemoFault.nftablesNATSamePriority, .nftablesForwardDrop, .hostPortWithoutLocalGuard])
    func faultNftablesMode(_ fault: DemoFault) throws {
        try checkFault(fault, mode: .nftables)
    }

    func checkFault(_ fault: DemoFault, mode: ProxyMode) throws {
        let lab = try buildDemoLab("doc-\(fault.rawValue.prefix(8))", mode: mode)
        defer { finish(lab) }
        try lab.apply(fault)
        let report = try examine(lab)
        let expected = Self.expectedCheck(fault)
        let site = fault.site
        let siteNamespace = site.namespace == .node ? lab.nodeNamespace : lab.namespace(of: DemoTopology.client)
        let found = checks(report)
        #expect(found.contains(expected), "\(fault.rawValue) (\(mode)): \(report.findings)")
        #expect(found.contains(.sharedHookPriority) == fault.sharesHookPriority(in: mode),
                "\(fault.rawValue) (\(mode)) shared_hook_priority: \(report.findings.map(\.summary))")
        let allowed: Set<DoctorCheck> = [.serviceWithoutEndpoints, expected, .sharedHookPriority]
        #expect(found.isSubset(of: allowed), "\(fault.rawValue) (\(mode)): unexpected \(found.subtracting(allowed))")
        // The fault's decisive rule is cited, where its site says, with the handle the kernel holds.
        let rules = report.findings.filter { $0.check == expected }.flatMap(\.evidence).compactMap(\.rule)
        let atSite = rules.filter {
            $0.namespace == siteNamespace && $0.backend == site.backend.rawValue && $0.family == site.family
                && $0.table == site.table && $0.chain == site.chain
        }
        let rule = try #require(atSite.first, "\(fault.rawValue) (\(mode)): no evidence at \(site); got \(rules)")
        let handle = try #require(rule.handle)
        let listing = try Shell.runCapturing(["ip", "netns", "exec", siteNamespace, "nft", "-a", "list", "chain",
                                              site.family, site.table, site.chain]).output
        let line = listing.split(separator: "\n").first { $0.hasSuffix("# handle \(handle)") }
        #expect(line.map { l in Self.verdictWord(fault).contains { l.contains($0) } } == true,
                "\(fault.rawValue): handle \(handle) in \(listing)")
        // The finding citing the site's rule names the hook it runs at (the sidecar's summary speaks of the pod instead).
        if fault != .sidecarRedirectWithoutProxy {
            let citing = report.findings.filter { $0.check == expected && $0.evidence.compactMap(\.rule).contains(rule) }
            #expect(citing.contains { $0.summary.contains(site.hook) }, "\(fault.rawValue): \(citing.map(\.summary))")
        }
        // The hostPort chain's OUTPUT jump keeps its `--dst-type LOCAL` guard: never cited as a capture.
        let captures = report.findings.filter { $0.check == .natCaptureBeforeKubeProxy }.flatMap(\.evidence).compactMap(\.rule)
        #expect(!captures.contains { $0.chain == "OUTPUT" }, "\(captures)")
        // The simulation confirms it: pod → demo/web:80 fails at that check's rule.
        #expect(report.findings.contains { $0.check == expected && $0.summary.contains("demo/web:http 10.43.0.10:80/tcp") },
                "\(fault.rawValue) (\(mode)): no simulated flow in \(report.findings.map(\.summary))")
        // The no-endpoint service is still reported, and the unrelated checks stay quiet.
        #expect(found.contains(.serviceWithoutEndpoints))
    }

    @Test("node checks fire on their targeted change only: br_netfilter, rp_filter and MTU on a vxlan overlay, stale UDP conntrack, both iptables backends")
    func nodeChecks() throws {
        let lab = try buildDemoLab("doc-node")
        defer { finish(lab) }
        let node = LabNamespace(name: lab.nodeNamespace)

        try lab.setBridgeNetfilter(enabled: false)
        var report = try examine(lab)
        #expect(checks(report) == [.serviceWithoutEndpoints, .bridgeNetfilterOff], "\(report.findings)")
        let bridge = report.findings.first { $0.check == .bridgeNetfilterOff }
        #expect(bridge?.evidence.compactMap(\.sysctl).first?.value == "0")
        #expect(bridge?.evidence.compactMap(\.interface).first?.name == DemoTopology.bridge)
        try lab.setBridgeNetfilter(enabled: true)

        // A flannel-style overlay with a smaller MTU than the pods', and strict rp_filter on it.
        _ = try node.exec(["ip", "link", "add", "flannel.1", "type", "vxlan", "id", "1", "dev", "eth0", "dstport", "8472",
                           "local", DemoTopology.nodeAddress.description, "nolearning"])
        _ = try node.exec(["ip", "link", "set", "flannel.1", "mtu", "1450", "up"])
        try node.sysctl("net.ipv4.conf.flannel/1.rp_filter=1")
        report = try examine(lab)
        #expect(checks(report) == [.serviceWithoutEndpoints, .strictRPFilterOnTunnel, .mtuMismatch], "\(report.findings)")
        let rp = report.findings.first { $0.check == .strictRPFilterOnTunnel }
        #expect(rp?.evidence.compactMap(\.interface).first.map { ($0.name, $0.kind) } ?? ("", "") == ("flannel.1", "vxlan"))
        let mtu = report.findings.filter { $0.check == .mtuMismatch }
        #expect(mtu.count == DemoTopology.pods.count, "one per pod: \(mtu.map(\.summary))")
        #expect(mtu.allSatisfy { $0.evidence.compactMap(\.interface).contains { $0.name == "flannel.1" && $0.mtu == 1450 } })
        // Loose rp_filter quiets the tunnel check; without the overlay the MTU check is quiet too.
        try node.sysctl("net.ipv4.conf.flannel/1.rp_filter=2")
        #expect(checks(try examine(lab)) == [.serviceWithoutEndpoints, .mtuMismatch])
        _ = try node.exec(["ip", "link", "del", "flannel.1"])
        expectOnlyEmptyService(try examine(lab), mode: .iptables)
        // A pod whose eth0 MTU differs from its node-side veth peer.
        let client = LabNamespace(name: lab.namespace(of: DemoTopology.client))
        _ = try client.exec(["ip", "link", "set", "eth0", "mtu", "1400"])
        report = try examine(lab)
        #expect(checks(report) == [.serviceWithoutEndpoints, .mtuMismatch], "\(report.findings)")
        #expect(report.findings.first { $0.check == .mtuMismatch }?.evidence.compactMap(\.interface).map(\.name)
                == ["eth0", DemoTopology.client.hostInterface])
        _ = try client.exec(["ip", "link", "set", "eth0", "mtu", "1500"])

        // A UDP service whose endpoint moved while a conntrack entry still DNATs to the old one.
        try lab.makeStaleUDPConntrack()
        report = try examine(lab)
        #expect(checks(report) == [.serviceWithoutEndpoints, .staleUDPConntrack], "\(report.findings)")
        let entries = report.findings.first { $0.check == .staleUDPConntrack }?.evidence.compactMap(\.conntrack).flatMap { $0 } ?? []
        #expect(entries.count == 1, "\(entries)")
        #expect(entries.first?.original.hasSuffix("-> 10.43.0.53:53") == true)
        #expect(entries.first?.reply.hasPrefix("10.42.0.2:53 ->") == true)
        _ = try node.exec(["conntrack", "-D", "-p", "udp", "--orig-dst", "10.43.0.53"], allowFailure: true)
        #expect(!checks(try examine(lab)).contains(.staleUDPConntrack))

        // iptables-legacy rules next to nf_tables ones (last: a legacy table cannot be removed again).
        try node.loadIptables("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s 192.0.2.1/32 -j ACCEPT\nCOMMIT\n", legacy: true)
        report = try examine(lab)
        #expect(checks(report) == [.serviceWithoutEndpoints, .bothIptablesBackends], "\(report.findings)")
        let split = report.findings.first { $0.check == .bothIptablesBackends }
        let tables = split?.evidence.compactMap(\.table) ?? []
        #expect(tables.contains { $0.backend == "iptables-legacy" && $0.table == "filter" && $0.rules == 1 })
        #expect(tables.contains { $0.backend == "iptables-nft" && $0.table == "nat" })
        // legacy filter INPUT and kube-proxy's iptables-nft filter INPUT both at priority 0.
        #expect(split?.evidence.compactMap(\.chain).contains { $0.backend == "iptables-legacy" && $0.chain == "INPUT" && $0.priority == 0 } == true)
        // A legacy nat REDIRECT of pod port 9090: its order against iptables-nft's nat PREROUTING (both -100) is
        // unknown, and the simulated flow that meets it first is captured.
        try node.loadIptables("*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -s 10.42.0.0/16 -p tcp --dport 9090 -j REDIRECT --to-ports 3130\nCOMMIT\n",
                              legacy: true)
        report = try examine(lab)
        #expect(checks(report) == [.serviceWithoutEndpoints, .bothIptablesBackends, .natCaptureBeforeKubeProxy], "\(report.findings)")
        let legacyRule = report.findings.first { $0.check == .natCaptureBeforeKubeProxy }?.evidence.first?.rule
        #expect(legacyRule?.backend == "iptables-legacy" && legacyRule?.chain == "PREROUTING" && legacyRule?.position == 1
                && legacyRule?.handle == nil, "\(String(describing: legacyRule))")
        #expect(legacyRule?.text?.contains("REDIRECT --to-ports 3130") == true, "\(String(describing: legacyRule?.text))")
    }

    @Test("conntrack pressure: a table near its maximum or rising insert_failed/drop, and not otherwise")
    func conntrackPressure() {
        func sample(_ entries: UInt32, _ insertFailed: UInt64, _ drop: UInt64) -> ConntrackStatistics {
            ConntrackStatistics(entries: entries, maximum: 1000,
                                perCPU: [CPUStatistics(cpu: 0, counters: ["insert_failed": insertFailed, "drop": drop]),
                                         CPUStatistics(cpu: 1, counters: ["insert_failed": 1, "drop": 0])])
        }
        #expect(Doctor.conntrackPressure(namespace: "n", first: sample(10, 5, 5), second: sample(12, 5, 5), interval: 1) == nil)
        let full = Doctor.conntrackPressure(namespace: "n", first: sample(899, 0, 0), second: sample(950, 0, 0), interval: 1)
        #expect(full?.check == .conntrackTablePressure)
        #expect(full?.summary.contains("950 of at most 1000") == true)
        let rising = Doctor.conntrackPressure(namespace: "n", first: sample(10, 5, 0), second: sample(10, 7, 3), interval: 1)
        #expect(rising?.summary.contains("insert_failed rose by 2") == true && rising?.summary.contains("drop rose by 3") == true)
        #expect(rising?.evidence.first?.conntrackStatistics?.insertFailed == [6, 8])
    }
}

/// Pods named from containerd sandbox bundles, and a stale UDP entry in nftables proxy mode.
@Suite("doctor: pod names and nftables-mode conntrack", .serialized, .enabled(if: Shell.isRoot, "needs root: creates network namespaces"))
struct DoctorLabMoreTests {
    @Test("a sandbox bundle naming the client pod's netns gives its pod name; the others keep their netns label")
    func podNamesFromBundles() throws {
        let lab = try buildDemoLab("doc-names")
        defer { finish(lab) }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("nfscope-doctor-bundles-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: root) }
        let client = lab.namespace(of: DemoTopology.client)
        let bundle = root.appendingPathComponent("0123abcd")
        try FileManager.default.createDirectory(at: bundle, withIntermediateDirectories: true)
        let spec = """
            {"annotations": {"io.kubernetes.cri.container-type": "sandbox", "io.kubernetes.cri.sandbox-id": "0123abcd",
              "io.kubernetes.cri.sandbox-name": "client-7d9f", "io.kubernetes.cri.sandbox-namespace": "demo",
              "io.kubernetes.cri.sandbox-uid": "1b4e28ba-2fa1-11d2-883f-0016d3cca427"},
             "linux": {"namespaces": [{"type": "pid"}, {"type": "network", "path": "/run/netns/\(client)"}]}}
            """
        try Data(spec.utf8).write(to: bundle.appendingPathComponent("config.json"))
        let report = try Doctor(interval: 0, runtimeBundleDirectories: [root.path]).examine(node: lab.nodeNamespace)
        #expect(report.podsExamined.first { $0.netns == client }?.pod == "demo/client-7d9f")
        #expect(report.podsExamined.filter { $0.pod != nil }.count == 1)
    }

    @Test("nftables proxy mode: a UDP service's endpoint moved while conntrack still DNATs to the old one")
    func staleUDPNftables() throws {
        let lab = try buildDemoLab("doc-udp", mode: .nftables)
        defer { finish(lab) }
        try lab.makeStaleUDPConntrack()
        let report = try Doctor(interval: 0).examine(node: lab.nodeNamespace)
        #expect(Set(report.findings.map(\.check)) == [.serviceWithoutEndpoints, .staleUDPConntrack], "\(report.findings)")
        let entries = report.findings.first { $0.check == .staleUDPConntrack }?.evidence.compactMap(\.conntrack).flatMap { $0 } ?? []
        #expect(entries.count == 1 && entries.first?.reply.hasPrefix("10.42.0.2:53 ->") == true, "\(entries)")
        #expect(report.findings.first { $0.check == .staleUDPConntrack }?.summary.contains("demo/dns:dns") == true)
    }
}
