import DemoLab
import Foundation
import Kubernetes
import NetCore
import Testing
import TestLab

/// Reads `iptables-save` lines of KUBE-SERVICES as a ServiceRuleSource: a test oracle that stands in for
/// the ruleset reader until it is merged (parsing tool text is for tests only).
struct IptablesSaveServiceRules: ServiceRuleSource {
    var text: String

    func forEachServiceRule(_ body: (ServiceRule) throws -> Void) throws {
        for line in text.split(separator: "\n") where line.hasPrefix("-A KUBE-SERVICES ") {
            let words = line.split(separator: " ").map(String.init)
            func value(after flag: String) -> String? {
                words.firstIndex(of: flag).flatMap { $0 + 1 < words.count ? words[$0 + 1] : nil }
            }
            guard let destination = value(after: "-d").flatMap({ IPAddress(String($0.prefix { $0 != "/" })) }),
                  let proto = value(after: "-p").flatMap(TransportProtocol.init(rawValue:)),
                  let port = value(after: "--dport").flatMap(UInt16.init),
                  let target = value(after: "-j") else { continue }
            let comment = line.range(of: "--comment \"").flatMap { start in
                line[start.upperBound...].firstIndex(of: "\"").map { String(line[start.upperBound..<$0]) }
            }
            try body(ServiceRule(comment: comment, destination: destination, proto: proto, port: port, target: target))
        }
    }
}

/// Reads `nft list map ip kube-proxy service-ips` / `no-endpoint-services` elements as a ServiceRuleSource
/// (a test oracle, like ``IptablesSaveServiceRules``).
struct NFTListServiceRules: ServiceRuleSource {
    var text: String

    func forEachServiceRule(_ body: (ServiceRule) throws -> Void) throws {
        var rest = text[...]
        while let start = rest.range(of: "elements = {") {
            let elements = rest[start.upperBound...].prefix { $0 != "}" }
            rest = rest[elements.endIndex...]
            try forEachElement(elements, body)
        }
    }

    private func forEachElement(_ elements: Substring, _ body: (ServiceRule) throws -> Void) throws {
        for element in elements.split(separator: ",") {
            let words = element.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init)
            // ADDRESS . PROTO . PORT [comment "TEXT"] : goto CHAIN
            guard words.count >= 7, let address = IPAddress(words[0]), let proto = TransportProtocol(rawValue: words[2]),
                  let port = UInt16(words[4]), let target = words.last else { continue }
            let comment = element.range(of: "comment \"").flatMap { open in
                element[open.upperBound...].firstIndex(of: "\"").map { String(element[open.upperBound..<$0]) }
            }
            try body(ServiceRule(comment: comment, destination: address, proto: proto, port: port, target: target))
        }
    }
}

@Suite("kube-proxy rules generator")
struct KubeProxyRulesTests {
    let text = DemoTopology.kubeProxyRules.iptablesRestore()

    @Test("chain names hash the service port name as kube-proxy does")
    func chainNames() {
        let kubernetes = KubeService(namespace: "default", name: "kubernetes", clusterIP: IPAddress("10.43.0.1")!,
                                     ports: [.init(name: "https", port: 443, targetPort: 6443)], endpoints: [IPAddress("192.168.50.10")!])
        let rules = KubeProxyRules(services: [kubernetes], clusterCIDR: DemoTopology.clusterCIDR).iptablesRestore()
        #expect(rules.contains("-j KUBE-SVC-NPX46M4PTMTKRN6Y"), "the name every cluster has for default/kubernetes:https")
        // Computed independently: base32(sha256("demo/web:httptcp"))[:16], and with "10.42.0.2:80" appended.
        #expect(text.contains(":KUBE-SVC-XRY76EGRC3BSCIIJ - [0:0]"))
        #expect(text.contains(":KUBE-SEP-NW2RCJEVBOPPLYR7 - [0:0]"))
    }

    @Test("service, endpoint, node-port and no-endpoint rules in kube-proxy's format")
    func format() {
        #expect(text.contains(#"-A KUBE-SERVICES -d 10.43.0.10/32 -p tcp -m comment --comment "demo/web:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-XRY76EGRC3BSCIIJ"#))
        #expect(text.contains(#"-A KUBE-SVC-XRY76EGRC3BSCIIJ ! -s 10.42.0.0/16 -d 10.43.0.10/32 -p tcp -m comment --comment "demo/web:http cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ"#))
        #expect(text.contains(#"-A KUBE-SVC-XRY76EGRC3BSCIIJ -m comment --comment "demo/web:http -> 10.42.0.2:80" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-NW2RCJEVBOPPLYR7"#))
        #expect(text.contains(#"-A KUBE-SEP-NW2RCJEVBOPPLYR7 -p tcp -m comment --comment "demo/web:http" -m tcp -j DNAT --to-destination 10.42.0.2:80"#))
        #expect(text.contains(#"-A KUBE-SERVICES -d 10.43.0.20/32 -p tcp -m comment --comment "demo/empty:http has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable"#))
        #expect(text.contains(#"-m tcp --dport 30080 -j KUBE-EXT-XRY76EGRC3BSCIIJ"#))
        let nat = text[text.range(of: "*nat")!.lowerBound...]
        let serviceRules = nat.split(separator: "\n").filter { $0.hasPrefix("-A KUBE-SERVICES") }
        #expect(serviceRules.last?.contains("this must be the last rule in this chain") == true)
    }

    @Test("nftables mode: chain names hash as kube-proxy's (its own test expectations)")
    func nftChainNames() {
        let service = KubeService(namespace: "ns1", name: "svc1", clusterIP: IPAddress("172.30.0.41")!,
                                  ports: [.init(name: "p80", port: 80, targetPort: 80)], endpoints: [IPAddress("10.180.0.1")!])
        let script = KubeProxyNFTRules(services: [service], clusterCIDR: IPPrefix("10.0.0.0/8")!, serviceCIDR: IPPrefix("172.30.0.0/16")!,
                                       nodeAddresses: [IPAddress("192.168.0.2")!]).nftScript()
        #expect(script.contains("add element ip kube-proxy service-ips { 172.30.0.41 . tcp . 80 : goto service-ULMVA6XW-ns1/svc1/tcp/p80 }"))
        #expect(script.contains("add rule ip kube-proxy service-ULMVA6XW-ns1/svc1/tcp/p80 numgen random mod 1 vmap { 0 : goto endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80 }"))
        #expect(script.contains("add rule ip kube-proxy endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80 meta l4proto tcp dnat to 10.180.0.1:80"))
        let empty = DemoTopology.kubeProxyNFTRules.nftScript()
        #expect(empty.contains(#"add element ip kube-proxy no-endpoint-services { 10.43.0.20 . tcp . 80 comment "demo/empty:http" : goto reject-chain }"#))
    }

    @Test("nftables mode: the script loads, and the resolver reads services back from the maps (chain names, comments)",
          .enabled(if: Shell.isRoot, "needs root: creates a network namespace"))
    func nftLoadsAndResolves() throws {
        try withLab { lab in
            let node = try lab.namespace("kpnft")
            try node.loadNft(DemoTopology.kubeProxyNFTRules.nftScript())
            let maps = try node.exec(["nft", "list", "map", "ip", "kube-proxy", "service-ips"])
                + (try node.exec(["nft", "list", "map", "ip", "kube-proxy", "no-endpoint-services"]))
            let resolver = ServiceResolver(source: NFTListServiceRules(text: maps))
            let http = try resolver.resolve(namespace: "demo", name: "web", port: .name("http"))
            #expect(http.map(\.address) == [DemoTopology.web.clusterIP] && http.first?.port == 80)
            #expect(http.first?.chain?.hasPrefix("service-") == true && http.first?.chain?.hasSuffix("-demo/web/tcp/http") == true)
            let empty = try resolver.resolve(namespace: "demo", name: "empty", port: .number(80))
            #expect(empty.first?.hasEndpoints == false)
        }
    }

    @Test("probabilities are 1/n with ten decimals, as Go's %0.10f prints them")
    func probabilities() {
        let endpoints = (2...5).map { IPAddress("10.42.0.\($0)")! }
        let service = KubeService(namespace: "demo", name: "four", clusterIP: IPAddress("10.43.0.4")!,
                                  ports: [.init(name: nil, port: 80, targetPort: 8080)], endpoints: endpoints)
        let rules = KubeProxyRules(services: [service], clusterCIDR: DemoTopology.clusterCIDR).iptablesRestore()
        for probability in ["0.2500000000", "0.3333333333", "0.5000000000"] {
            #expect(rules.contains("--probability \(probability) "))
        }
        #expect(rules.contains(#"--comment "demo/four cluster IP""#), "an unnamed port has no :name")
        #expect(rules.contains(#""demo/four -> 10.42.0.5:8080" -j KUBE-SEP-"#), "the last endpoint has no statistic match")
    }

    @Test("the generated rules load into the kernel, and the service resolver reads the services back from them",
          .enabled(if: Shell.isRoot, "needs root: creates a network namespace"))
    func loadsAndResolves() throws {
        try withLab { lab in
            let node = try lab.namespace("kp")
            try node.loadIptables(text)
            let saved = try node.exec(["iptables-nft-save"])
            #expect(saved.contains("KUBE-SVC-XRY76EGRC3BSCIIJ"))
            let resolver = ServiceResolver(source: IptablesSaveServiceRules(text: saved))
            let http = try resolver.resolve(namespace: "demo", name: "web", port: .number(80))
            #expect(http.map(\.address) == [DemoTopology.web.clusterIP])
            #expect(http.first?.chain == "KUBE-SVC-XRY76EGRC3BSCIIJ")
            let metrics = try resolver.resolve(namespace: "demo", name: "web", port: .name("metrics"))
            #expect(metrics.map(\.port) == [9090])
            let empty = try resolver.resolve(namespace: "demo", name: "empty", port: nil)
            #expect(empty.count == 1 && empty.first?.hasEndpoints == false)
            #expect(throws: KubernetesError.self) { try resolver.resolve(namespace: "demo", name: "webb", port: nil) }
        }
    }
}
