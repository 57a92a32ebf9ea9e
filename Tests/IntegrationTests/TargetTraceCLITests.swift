import DemoLab
import Foundation
import Testing
import TestLab

private func json(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

/// `nfscope trace FROM TO` and `nfscope diff` by name, on the demo lab: its pods resolved from the lab's
/// fake containerd tree, its services from its kube-proxy rules.
@Suite("trace and diff by pod and service name on the demo lab", .serialized,
       .enabled(if: Shell.isRoot, "needs root: creates network namespaces"))
struct TargetTraceCLITests {
    @Test("the lab writes a containerd tree laid out like the real one, and removes it")
    func runtimeTree() throws {
        let lab = try buildDemoLab("tree")
        let root = lab.runtimeRoot
        #expect(root.hasSuffix("/run/containerd/io.containerd.runtime.v2.task/k8s.io"))
        let bundles = try FileManager.default.contentsOfDirectory(atPath: root)
        #expect(bundles.count == DemoTopology.pods.count + DemoTopology.pods.filter { !$0.listensOn.isEmpty }.count)
        let sandbox = try json(String(decoding: try Data(contentsOf: URL(fileURLWithPath:
            "\(root)/\(lab.sandboxID(of: DemoTopology.client))/config.json")), as: UTF8.self))
        let annotations = try #require(sandbox["annotations"] as? [String: String])
        #expect(annotations["io.kubernetes.cri.container-type"] == "sandbox")
        #expect(annotations["io.kubernetes.cri.sandbox-name"] == "client")
        #expect(annotations["io.kubernetes.cri.sandbox-namespace"] == "demo")
        let namespaces = try #require((sandbox["linux"] as? [String: Any])?["namespaces"] as? [[String: String]])
        #expect(namespaces.contains { $0["type"] == "network" && $0["path"] == "/run/netns/\(lab.namespace(of: DemoTopology.client))" })
        finish(lab)
        #expect(!FileManager.default.fileExists(atPath: DemoLab.stateDirectory(prefix: lab.prefix)))
    }

    @Test("pod:demo/client svc:demo/web:80 with a fault: same outcome and decisive rule as the flag form, node comparison, --also :9090",
          arguments: ProxyMode.allCases)
    func podToService(mode: ProxyMode) throws {
        let lab = try buildDemoLab("kube-\(mode.rawValue.prefix(3))", mode: mode)
        defer { finish(lab) }
        // iptables mode: the README's hostPort fault; nftables mode: a native forward drop (the hostPort
        // fault there shares kube-proxy's hook and priority, which makes the answer ambiguous by design).
        let fault: DemoFault = mode == .iptables ? .hostPortWithoutLocalGuard : .nftablesForwardDrop
        try lab.apply(fault)
        let client = lab.namespace(of: DemoTopology.client)
        let node = ["--node-netns", lab.nodeNamespace, "--runtime-root", lab.runtimeRoot]

        let flag = try NfscopeCLI.run(["trace", "--from-netns", client, "--dst", webClusterIP, "--dport", "80", "--json"])
        #expect(flag.status == 0, "\(flag.error)")
        let flagReport = try json(flag.output)
        let named = try NfscopeCLI.run(["trace"] + node + ["pod:demo/client", "svc:demo/web:80", "--also", "svc:demo/web:9090", "--json"])
        #expect(named.status == 0, "\(named.error)")
        let report = try json(named.output)
        #expect(report["outcome"] as? String == (mode == .iptables ? "refused" : "timeout"))
        #expect(report["outcome"] as? String == flagReport["outcome"] as? String)
        let decisive = try #require(report["decisive_rule"] as? [String: Any])
        let flagDecisive = try #require(flagReport["decisive_rule"] as? [String: Any])
        for key in ["namespace", "table", "chain", "handle", "text"] {
            #expect("\(decisive[key] ?? "-")" == "\(flagDecisive[key] ?? "-")", "decisive_rule.\(key)")
        }
        // The flag form's keys are all there, with the same values where they do not depend on the run.
        #expect(Set(flagReport.keys).isSubset(of: Set(report.keys)))
        #expect(report["schema_version"] as? Int == 1)
        let from = try #require(report["from"] as? [String: Any])
        #expect(from["target"] as? String == "pod:demo/client" && from["address"] as? String == "10.42.0.10")
        let to = try #require(report["to"] as? [String: Any])
        #expect(to["service_port"] as? String == "demo/web:http" && to["address"] as? String == webClusterIP)

        let nodeComparison = try #require(report["node_comparison"] as? [String: Any])
        #expect(nodeComparison["outcome"] as? String == "ok")
        let nodeParts = try #require(nodeComparison["parts_at"] as? [String: Any])
        #expect(nodeParts["namespace"] as? String == lab.nodeNamespace)
        let also = try #require(report["also"] as? [String: Any])
        #expect(also["outcome"] as? String == "ok")
        let alsoParts = try #require(also["parts_at"] as? [String: Any])
        // Where pod -> :80 leaves pod -> :9090: the hostPort chain's jump in iptables mode; kube-proxy's own
        // per-port chain in nftables mode (the ports part there before the fault is met).
        let expectedChain = mode == .iptables ? "CNI-HOSTPORT-DNAT" : "service-"
        #expect((alsoParts["chain"] as? String)?.hasPrefix(expectedChain) == true, "\(alsoParts)")
        #expect(alsoParts["namespace"] as? String == lab.nodeNamespace)

        // The text form says the same; piped, it has no escape codes; --color always has them.
        let text = try NfscopeCLI.run(["trace", "--lab", lab.prefix, "pod:demo/client", "svc:demo/web:80", "--also", "svc:demo/web:9090"])
        #expect(text.status == 0, "\(text.error)")
        #expect(text.output.contains("outcome: \(mode == .iptables ? "REFUSED" : "TIMEOUT")"))
        #expect(text.output.contains("this path parts from the path to svc:demo/web:9090 at:"))
        #expect(text.output.contains(expectedChain) && !text.output.contains("\u{1B}["))
        let coloured = try NfscopeCLI.run(["trace", "--lab", lab.prefix, "--color", "always", "pod:demo/client", "svc:demo/web:80"])
        #expect(coloured.status == 0 && coloured.output.contains("\u{1B}[1;30;43m"))
        let never = try NfscopeCLI.run(["trace", "--lab", lab.prefix, "--color", "never", "pod:demo/client", "svc:demo/web:80"])
        #expect(!never.output.contains("\u{1B}["))
    }

    @Test("unknown pod or service exits 3 with suggestions; a service with two ports and no port exits 2")
    func errors() throws {
        let lab = try buildDemoLab("kerr")
        defer { finish(lab) }
        let unknownService = try NfscopeCLI.run(["trace", "--lab", lab.prefix, "pod:demo/client", "svc:demo/wbe:80"])
        #expect(unknownService.status == 3)
        #expect(unknownService.error.contains("did you mean svc:demo/web"), "\(unknownService.error)")
        let unknownPod = try NfscopeCLI.run(["trace", "--lab", lab.prefix, "pod:demo/clinet", "svc:demo/web:80"])
        #expect(unknownPod.status == 3)
        #expect(unknownPod.error.contains("pod:demo/client"), "\(unknownPod.error)")
        let unknownPort = try NfscopeCLI.run(["trace", "--lab", lab.prefix, "pod:demo/client", "svc:demo/web:8080"])
        #expect(unknownPort.status == 3 && unknownPort.error.contains("http=80/tcp, metrics=9090/tcp"))
        let ambiguous = try NfscopeCLI.run(["trace", "--lab", lab.prefix, "pod:demo/client", "svc:demo/web"])
        #expect(ambiguous.status == 2 && ambiguous.error.contains("several ports"), "\(ambiguous.error)")
        let mixed = try NfscopeCLI.run(["trace", "--from-netns", lab.nodeNamespace, "pod:demo/client", "svc:demo/web:80"])
        #expect(mixed.status == 2)
        // node → pod:NS/NAME:PORT resolves the pod's address; a single-port service needs no port.
        let toPod = try NfscopeCLI.run(["trace", "--lab", lab.prefix, "node", "pod:demo/web-1:9090", "--json"])
        #expect(toPod.status == 0, "\(toPod.error)")
        let toPodReport = try json(toPod.output)
        #expect((toPodReport["to"] as? [String: Any])?["address"] as? String == DemoTopology.web1.address.description)
        #expect(toPodReport["outcome"] as? String == "ok" && toPodReport["node_comparison"] == nil)
        let empty = try NfscopeCLI.run(["trace", "--lab", lab.prefix, "pod:demo/client", "svc:demo/empty", "--json"])
        let emptyReport = try json(empty.output)
        #expect(empty.status == 0 && emptyReport["outcome"] as? String == "refused")
    }

    @Test("diff node pod:demo/client: rules, routes, addresses and sysctls the node has and the pod lacks")
    func diffNodeAndPod() throws {
        let lab = try buildDemoLab("kdiff")
        defer { finish(lab) }
        let result = try NfscopeCLI.run(["diff", "--lab", lab.prefix, "node", "pod:demo/client", "--json"])
        #expect(result.status == 0, "\(result.error)")
        let diff = try json(result.output)
        #expect(diff["identical"] as? Bool == false)
        let rules = try #require(diff["rules"] as? [[String: Any]])
        let services = try #require(rules.first { $0["table"] as? String == "nat" && $0["chain"] as? String == "KUBE-SERVICES" })
        #expect(services["in_a"] as? Bool == true && services["in_b"] as? Bool == false)
        #expect((services["only_in_a"] as? [String])?.contains { $0.contains("demo/web:http cluster IP") } == true)
        let routes = try #require(diff["routes"] as? [String: Any])
        #expect((routes["only_in_a"] as? [String])?.contains { $0.hasPrefix("default via 192.168.50.1 dev eth0") } == true)
        #expect((routes["only_in_b"] as? [String])?.contains { $0.hasPrefix("default via 10.42.0.1 dev eth0") } == true)
        let addresses = try #require(diff["addresses"] as? [String: Any])
        #expect((addresses["only_in_a"] as? [String])?.contains("cni0 10.42.0.1/24") == true)
        #expect((addresses["only_in_b"] as? [String])?.contains("eth0 10.42.0.10/24") == true)
        let sysctls = try #require(diff["sysctls"] as? [[String: Any]])
        let forward = try #require(sysctls.first { $0["name"] as? String == "net.ipv4.ip_forward" })
        #expect(forward["a"] as? String == "1" && forward["b"] as? String == "0")

        let text = try NfscopeCLI.run(["diff", "--lab", lab.prefix, "node", "pod:demo/client"])
        #expect(text.status == 0 && text.output.contains("< -A KUBE-SERVICES") && !text.output.contains("\u{1B}["))
        let same = try NfscopeCLI.run(["diff", "--lab", lab.prefix, "pod:demo/web-1", "pod:demo/web-1", "--json"])
        let sameReport = try json(same.output)
        #expect(same.status == 0 && sameReport["identical"] as? Bool == true)
    }
}

@Suite("nfscope diff between two namespaces with known differences", .serialized,
       .enabled(if: Shell.isRoot, "needs root: creates network namespaces"))
struct DiffCLITests {
    @Test("rules in order, routes, addresses and sysctls that differ; shared lines are not shown")
    func knownDifferences() throws {
        try withLab { lab in
            let a = try lab.namespace("da")
            let b = try lab.namespace("db")
            try lab.veth(a, "eth0", addresses: ["10.61.0.1/24"], b, "eth0", addresses: ["10.61.0.2/24"])
            try a.exec(["ip", "route", "add", "10.99.0.0/16", "via", "10.61.0.2"])
            try a.sysctl("net.ipv4.conf.all.rp_filter=1")
            try b.sysctl("net.ipv4.conf.eth0.accept_local=1")
            try a.loadIptables("""
                *filter
                :INPUT ACCEPT [0:0]
                :FORWARD DROP [0:0]
                -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
                -A INPUT -p tcp -m tcp --dport 80 -j REJECT --reject-with tcp-reset
                -A INPUT -p udp -m udp --dport 53 -j ACCEPT
                COMMIT
                """)
            try b.loadIptables("""
                *filter
                :INPUT ACCEPT [0:0]
                :FORWARD ACCEPT [0:0]
                -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
                -A INPUT -p udp -m udp --dport 53 -j ACCEPT
                -A INPUT -p tcp -m tcp --dport 443 -j ACCEPT
                COMMIT
                """)
            let result = try NfscopeCLI.run(["diff", "netns:\(a.name)", "netns:\(b.path)", "--json"])
            #expect(result.status == 0, "\(result.error)")
            let diff = try json(result.output)
            let rules = try #require(diff["rules"] as? [[String: Any]])
            let input = try #require(rules.first { $0["chain"] as? String == "INPUT" && $0["family"] as? String == "ip" })
            #expect(input["only_in_a"] as? [String] == ["-A INPUT -p tcp -m tcp --dport 80 -j REJECT --reject-with tcp-reset"])
            #expect(input["only_in_b"] as? [String] == ["-A INPUT -p tcp -m tcp --dport 443 -j ACCEPT"])
            let forward = try #require(rules.first { $0["chain"] as? String == "FORWARD" && $0["family"] as? String == "ip" })
            #expect(forward["only_in_a"] as? [String] == ["policy drop"] && forward["only_in_b"] as? [String] == ["policy accept"])
            #expect(!rules.contains { $0["chain"] as? String == "OUTPUT" })
            let routes = try #require(diff["routes"] as? [String: Any])
            // The connected routes differ by their preferred source; the static route only A has is listed once.
            let routesA = try #require(routes["only_in_a"] as? [String])
            let routesB = try #require(routes["only_in_b"] as? [String])
            #expect(routesA.filter { $0.hasPrefix("10.99.") } == ["10.99.0.0/16 via 10.61.0.2 dev eth0 proto boot"])
            #expect(routesA.contains("10.61.0.0/24 dev eth0 proto kernel scope link src 10.61.0.1"))
            #expect(routesB.contains("10.61.0.0/24 dev eth0 proto kernel scope link src 10.61.0.2"))
            #expect(!routesB.contains { $0.hasPrefix("10.99.") })
            let addresses = try #require(diff["addresses"] as? [String: Any])
            #expect((addresses["only_in_a"] as? [String])?.contains("eth0 10.61.0.1/24") == true)
            let sysctls = try #require(diff["sysctls"] as? [[String: Any]])
            #expect(sysctls.contains { $0["name"] as? String == "net.ipv4.conf.all.rp_filter" && $0["a"] as? String == "1" && $0["b"] as? String == "0" })
            #expect(sysctls.contains { $0["name"] as? String == "net.ipv4.conf.eth0.accept_local" && $0["a"] as? String == "0" && $0["b"] as? String == "1" })
            #expect(!sysctls.contains { $0["name"] as? String == "net.ipv4.ip_forward" })

            let text = try NfscopeCLI.run(["diff", "netns:\(a.name)", "netns:\(b.name)"])
            #expect(text.output.contains("< -A INPUT -p tcp -m tcp --dport 80 -j REJECT --reject-with tcp-reset"))
            #expect(text.output.contains("> -A INPUT -p tcp -m tcp --dport 443 -j ACCEPT"))
            #expect(!text.output.contains("\u{1B}["))
            let coloured = try NfscopeCLI.run(["diff", "--color", "always", "netns:\(a.name)", "netns:\(b.name)"])
            #expect(coloured.output.contains("\u{1B}[31m< -A INPUT"))
        }
    }
}
