import Kubernetes
import NetCore
import Testing

/// A source that also counts how it was used: the resolver must read rules one at a time through the protocol.
struct CountingSource: ServiceRuleSource {
    var rules: [ServiceRule]
    func forEachServiceRule(_ body: (ServiceRule) throws -> Void) throws {
        for rule in rules { try body(rule) }
    }
}

struct FailingSource: ServiceRuleSource {
    struct Broken: Error {}
    func forEachServiceRule(_ body: (ServiceRule) throws -> Void) throws { throw Broken() }
}

func rule(_ comment: String?, _ address: String, _ proto: TransportProtocol = .tcp, _ port: UInt16, _ target: String) -> ServiceRule {
    ServiceRule(comment: comment, destination: IPAddress(address)!, proto: proto, port: port, target: target)
}

/// kube-proxy iptables mode: nat KUBE-SERVICES plus the filter KUBE-SERVICES reject of a service without endpoints.
let iptablesModeRules = [
    rule("default/kubernetes:https cluster IP", "10.43.0.1", .tcp, 443, "KUBE-SVC-NPX46M4PTMTKRN6Y"),
    rule("kube-system/kube-dns:dns cluster IP", "10.43.0.10", .udp, 53, "KUBE-SVC-TCOU7JCQXEZGVUNU"),
    rule("kube-system/kube-dns:dns-tcp cluster IP", "10.43.0.10", .tcp, 53, "KUBE-SVC-ERIFXISQEP7F7OF4"),
    rule("flux-system/source-controller:http cluster IP", "10.43.12.7", .tcp, 80, "KUBE-SVC-7KQ3F2ZBLHNM4XWA"),
    rule("flux-system/source-controller:metrics cluster IP", "10.43.12.7", .tcp, 9090, "KUBE-SVC-A4SBE5QGZ2HJ6MNE"),
    rule("flux-system/source-controller:http external IP", "192.0.2.10", .tcp, 80, "KUBE-EXT-7KQ3F2ZBLHNM4XWA"),
    rule("demo/solo cluster IP", "10.43.3.3", .tcp, 8080, "KUBE-SVC-SOLOSOLOSOLOSOLO"),
    rule("kubernetes service nodeports; NOTE: this must be the last rule in this chain", "0.0.0.0", .tcp, 0, "KUBE-NODEPORTS"),
    rule("demo/empty:http has no endpoints", "10.43.0.99", .tcp, 80, "REJECT"),
]

/// kube-proxy nftables mode: service-ips and no-endpoint-services map elements.
let nftablesModeRules = [
    rule("flux-system/source-controller:http", "10.43.12.7", .tcp, 80, "service-7KQ3F2ZB-flux-system/source-controller/tcp/http"),
    rule(nil, "10.43.12.7", .tcp, 9090, "service-A4SBE5QG-flux-system/source-controller/tcp/metrics"),
    rule(nil, "10.43.4.4", .tcp, 81, "service-Q2W3E4R5-demo/unnamed/tcp/"),
    rule("demo/empty:http", "10.43.0.99", .tcp, 80, "reject-chain"),
]

@Suite("Service resolution from kube-proxy rules")
struct ServiceResolverTests {
    @Test("iptables mode: resolves by port number and by port name to the ClusterIP and KUBE-SVC chain")
    func iptablesMode() throws {
        let resolver = ServiceResolver(source: CountingSource(rules: iptablesModeRules))
        let byNumber = try resolver.resolve(namespace: "flux-system", name: "source-controller", port: .number(80))
        #expect(byNumber == [ServicePort(namespace: "flux-system", name: "source-controller", portName: "http",
                                         address: IPAddress("10.43.12.7")!, port: 80, proto: .tcp,
                                         hasEndpoints: true, chain: "KUBE-SVC-7KQ3F2ZBLHNM4XWA")])
        let byName = try resolver.resolve(namespace: "flux-system", name: "source-controller", port: .name("metrics"))
        #expect(byName.map(\.port) == [9090])
        let all = try resolver.resolve(namespace: "flux-system", name: "source-controller", port: nil)
        #expect(all.map(\.port) == [80, 9090], "the external IP rule is not a ClusterIP port")
        let dns = try resolver.resolve(namespace: "kube-system", name: "kube-dns", port: .number(53))
        #expect(Set(dns.map(\.proto)) == [.udp, .tcp])
        let solo = try resolver.resolve(namespace: "demo", name: "solo", port: nil)
        #expect(solo.first?.portName == nil && solo.first?.port == 8080)
    }

    @Test("a service without endpoints resolves, marked as such, with no chain")
    func noEndpoints() throws {
        for rules in [iptablesModeRules, nftablesModeRules] {
            let resolved = try ServiceResolver(source: StaticServiceRules(rules)).resolve(namespace: "demo", name: "empty", port: .number(80))
            #expect(resolved.count == 1)
            #expect(resolved.first?.hasEndpoints == false)
            #expect(resolved.first?.chain == nil)
            #expect(resolved.first?.address == IPAddress("10.43.0.99"))
        }
    }

    @Test("nftables mode: element comments and, without them, chain names")
    func nftablesMode() throws {
        let resolver = ServiceResolver(source: StaticServiceRules(nftablesModeRules))
        let metrics = try resolver.resolve(namespace: "flux-system", name: "source-controller", port: .name("metrics"))
        #expect(metrics.map(\.port) == [9090])
        #expect(metrics.first?.chain == "service-A4SBE5QG-flux-system/source-controller/tcp/metrics")
        let unnamed = try resolver.resolve(namespace: "demo", name: "unnamed", port: .number(81))
        #expect(unnamed.first?.portName == nil)
        #expect(unnamed.first?.reference == "demo/unnamed")
    }

    @Test("older comment forms with a colon before the kind still parse")
    func olderComments() throws {
        let rules = [rule("default/my-nodeport-service: has no endpoints", "10.233.44.13", .tcp, 80, "REJECT"),
                     rule("default/kubernetes-bootcamp-v1: cluster IP", "10.106.224.41", .tcp, 8080, "KUBE-SVC-RPP7DHNHMGOIIFDC")]
        let resolver = ServiceResolver(source: StaticServiceRules(rules))
        #expect(try resolver.resolve(namespace: "default", name: "my-nodeport-service", port: nil).first?.hasEndpoints == false)
        #expect(try resolver.resolve(namespace: "default", name: "kubernetes-bootcamp-v1", port: .number(8080)).count == 1)
    }

    @Test("unknown service: a clear error that suggests close names")
    func unknownService() {
        let resolver = ServiceResolver(source: StaticServiceRules(iptablesModeRules))
        do {
            _ = try resolver.resolve(namespace: "flux-system", name: "source-controler", port: .number(80))
            Issue.record("resolved a service that does not exist")
        } catch let error as KubernetesError {
            #expect(error.kind == .serviceNotFound)
            #expect(error.suggestions == ["svc:flux-system/source-controller"])
            #expect(error.description == "no service svc:flux-system/source-controler:80 in kube-proxy's rules on this node; "
                + "did you mean svc:flux-system/source-controller?")
        } catch { Issue.record("\(error)") }
    }

    @Test("unknown port of a known service lists the ports it has")
    func unknownPort() {
        let resolver = ServiceResolver(source: StaticServiceRules(iptablesModeRules))
        do {
            _ = try resolver.resolve(namespace: "flux-system", name: "source-controller", port: .number(8080))
            Issue.record("resolved a port that does not exist")
        } catch let error as KubernetesError {
            #expect(error.kind == .servicePortNotFound(available: ["http=80/tcp", "metrics=9090/tcp"]))
        } catch { Issue.record("\(error)") }
    }

    @Test("a far-off name gets no suggestions, and source errors pass through")
    func noSuggestionsAndSourceErrors() throws {
        do {
            _ = try ServiceResolver(source: StaticServiceRules(iptablesModeRules)).resolve(namespace: "zzz", name: "qqqqqq", port: nil)
        } catch let error as KubernetesError { #expect(error.suggestions.isEmpty) }
        #expect(throws: FailingSource.Broken.self) {
            _ = try ServiceResolver(source: FailingSource()).servicePorts()
        }
    }

    @Test("rules that name no single service are ignored", arguments: [
        "kubernetes service nodeports; NOTE: this must be the last rule in this chain",
        "masquerade traffic for demo/web:http external destinations", "demo/web:http -> 10.42.0.2:80", "",
    ])
    func ignoresOtherComments(comment: String) throws {
        let ports = try ServiceResolver(source: StaticServiceRules([rule(comment, "10.43.0.5", .tcp, 80, "KUBE-MARK-MASQ")])).servicePorts()
        #expect(ports.isEmpty)
    }
}
