import DemoLab
import Foundation
import Kubernetes
import NFScope
import RulesetCorpus
import Testing
import TestLab

/// `svc:` resolution from kube-proxy's live rules: the demo lab in both proxy modes, iptables-legacy, and a
/// generated 1,000-service node.
@Suite("svc: resolved from a namespace's live kube-proxy rules", .serialized,
       .enabled(if: Shell.isRoot, "needs root: creates network namespaces"))
struct LiveServiceRuleSourceTests {
    func resolver(_ namespace: String) -> ServiceResolver<LiveServiceRuleSource> {
        ServiceResolver(source: LiveServiceRuleSource(namespacePath: "/run/netns/\(namespace)"))
    }

    @Test("the demo lab: demo/web by number and name, demo/empty without endpoints, errors with suggestions",
          arguments: ProxyMode.allCases)
    func demoLab(mode: ProxyMode) throws {
        let lab = try buildDemoLab("svc-\(mode.rawValue.prefix(3))", mode: mode)
        defer { finish(lab) }
        let services = resolver(lab.nodeNamespace)
        let http = try services.resolve(namespace: "demo", name: "web", port: .number(80))
        #expect(http.count == 1)
        #expect(http.first?.address == DemoTopology.web.clusterIP && http.first?.proto == .tcp)
        #expect(http.first?.portName == "http" && http.first?.hasEndpoints == true)
        let metrics = try services.resolve(namespace: "demo", name: "web", port: .name("metrics"))
        #expect(metrics.map(\.port) == [9090])
        #expect(try services.resolve(namespace: "demo", name: "web", port: nil).map(\.port).sorted() == [80, 9090])
        let empty = try services.resolve(namespace: "demo", name: "empty", port: nil)
        #expect(empty.map(\.address) == [DemoTopology.empty.clusterIP] && empty.first?.hasEndpoints == false)

        do {
            _ = try services.resolve(namespace: "demo", name: "webb", port: nil)
            Issue.record("an unknown service resolved")
        } catch let error as KubernetesError {
            #expect(error.kind == .serviceNotFound)
            #expect(error.suggestions.contains("svc:demo/web"), "\(error)")
        }
        do {
            _ = try services.resolve(namespace: "demo", name: "web", port: .number(8080))
            Issue.record("an unknown port resolved")
        } catch let error as KubernetesError {
            #expect(error.kind == .servicePortNotFound(available: ["http=80/tcp", "metrics=9090/tcp"]))
        }
    }

    @Test("1,000 generated services in each mode: every ClusterIP port resolves, the read is quick", arguments: ProxyMode.allCases)
    func generated(mode: ProxyMode) throws {
        try withLab { lab in
            let node = try lab.namespace("svc1k")
            switch mode {
            case .iptables: try node.loadIptables(KubeProxyIptablesCorpus.generate(services: 1000))
            case .nftables: try node.loadNft(KubeProxyNFTCorpus.generate(services: 1000))
            }
            let services = ServiceResolver(source: LiveServiceRuleSource(namespacePath: node.path))
            let clock = ContinuousClock()
            var ports: [ServicePort] = []
            let elapsed = try clock.measure { ports = try services.servicePorts() }
            let clusterIP = ports.filter { $0.addressKind == .clusterIP }
            #expect(clusterIP.count == 1000, "\(mode): \(clusterIP.count) ClusterIP ports")
            #expect(clusterIP.filter { !$0.hasEndpoints }.count == (0..<1000).filter { KubeProxyService(index: $0).kind == .noEndpoints }.count)
            for index in [0, 4, 5, 511, 999] {
                let expected = KubeProxyService(index: index)
                let found = try services.resolve(namespace: expected.namespace, name: expected.name, port: .name(expected.portName))
                #expect(found.map(\.address.description) == [expected.clusterIP], "\(mode) \(expected.servicePortName)")
                #expect(found.first?.proto.rawValue == expected.proto && found.first.map { Int($0.port) } == expected.port)
            }
            print("svc: resolution over 1,000 services (\(mode.rawValue) mode): \(elapsed)")
            #expect(elapsed < .seconds(10))
        }
    }

    @Test("iptables-legacy: KUBE-SERVICES in the legacy nat table resolves too")
    func legacy() throws {
        try withLab { lab in
            let node = try lab.namespace("svcleg")
            try node.loadIptables("""
                *nat
                :PREROUTING ACCEPT [0:0]
                :KUBE-SERVICES - [0:0]
                :KUBE-SVC-LEGACYWEB - [0:0]
                -A PREROUTING -j KUBE-SERVICES
                -A KUBE-SERVICES -d 10.43.9.9/32 -p tcp -m comment --comment "legacy/web:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-LEGACYWEB
                COMMIT

                """, legacy: true)
            let found = try resolver(node.name).resolve(namespace: "legacy", name: "web", port: nil)
            #expect(found.map(\.address.description) == ["10.43.9.9"] && found.first?.chain == "KUBE-SVC-LEGACYWEB")
        }
    }
}
