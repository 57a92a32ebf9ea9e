import Kubernetes
import NetCore
import Testing

@Suite("Target resolution without an API server")
struct TargetResolverTests {
    @Test("services, addresses and namespace kinds resolve to what a trace needs")
    func kinds() throws {
        let tree = try FakeRuntimeTree()
        let resolver = TargetResolver(pods: PodResolver(runtimeRoots: [.k3s(under: tree.root)], procRoot: tree.procRoot,
                                                        podLogRoot: tree.podLogRoot),
                                      serviceRules: StaticServiceRules(iptablesModeRules))
        let http = try resolver.resolve(Target(parsing: "svc:flux-system/source-controller:http"))
        #expect(http.address == IPAddress("10.43.12.7") && http.port == 80 && http.proto == .tcp && http.netnsPath == nil)
        let dns = try resolver.resolve(Target(parsing: "svc:kube-system/kube-dns:53"))
        #expect(dns.port == 53 && dns.proto == nil && dns.servicePorts.count == 2, "udp and tcp both match")
        let all = try resolver.resolve(Target(parsing: "svc:flux-system/source-controller"))
        #expect(all.port == nil && all.servicePorts.count == 2)
        #expect(try resolver.resolve(Target(parsing: "node")).netnsPath == "/proc/self/ns/net")
        #expect(try resolver.resolve(Target(parsing: "netns:cni-1")).netnsPath == "/run/netns/cni-1")
        #expect(try resolver.resolve(Target(parsing: "netns:/var/run/netns/cni-2")).netnsPath == "/var/run/netns/cni-2")
        #expect(try resolver.resolve(Target(parsing: "pid:4242")).netnsPath == "/proc/4242/ns/net")
        let address = try resolver.resolve(Target(parsing: "10.43.0.10:80"))
        #expect(address.address == IPAddress("10.43.0.10") && address.port == 80)
    }

    @Test("pods resolve through the runtime tree (address reading is covered by the integration test)")
    func pods() throws {
        let tree = try FakeRuntimeTree()
        let root = RuntimeRoot.k3s(under: tree.root)
        let netns = try tree.addNamespaceFile("cni-x")
        try tree.addSandbox(under: root.path, id: "abc", namespace: "demo", name: "client", uid: "u", netnsPath: netns)
        let resolver = TargetResolver(pods: PodResolver(runtimeRoots: [root], procRoot: tree.procRoot, podLogRoot: tree.podLogRoot),
                                      serviceRules: StaticServiceRules([]))
        let pod = try resolver.resolve(Target(parsing: "pod:demo/client"), readPodAddress: false)
        #expect(pod.netnsPath == netns && pod.pod?.sandboxID == "abc")
        #expect(throws: KubernetesError.self) { try resolver.resolve(Target(parsing: "pod:demo/clients"), readPodAddress: false) }
        #expect(throws: KubernetesError.self) { try resolver.resolve(Target(parsing: "svc:demo/web")) }
    }
}
