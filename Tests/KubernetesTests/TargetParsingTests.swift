import Kubernetes
import NetCore
import Testing

@Suite("Target parsing")
struct TargetParsingTests {
    @Test("reads every accepted form and prints it back", arguments: [
        ("pod:flux-system/kustomize-controller-6bc5d5b96-x2k9p", Target.pod(namespace: "flux-system", name: "kustomize-controller-6bc5d5b96-x2k9p")),
        ("svc:flux-system/source-controller:80", .service(namespace: "flux-system", name: "source-controller", port: .number(80))),
        ("svc:kube-system/kube-dns:dns-tcp", .service(namespace: "kube-system", name: "kube-dns", port: .name("dns-tcp"))),
        ("svc:default/kubernetes", .service(namespace: "default", name: "kubernetes", port: nil)),
        ("node", .node),
        ("10.43.0.10:80", .address(IPAddress("10.43.0.10")!, port: 80)),
        ("[fd00:10:43::a]:443", .address(IPAddress("fd00:10:43::a")!, port: 443)),
        ("netns:cni-3f1c2b9e-1d2a-4b7e-9d3c-5a6b7c8d9e0f", .netns("cni-3f1c2b9e-1d2a-4b7e-9d3c-5a6b7c8d9e0f")),
        ("netns:/var/run/netns/cni-1", .netns("/var/run/netns/cni-1")),
        ("pid:4242", .pid(4242)),
    ])
    func parses(text: String, expected: Target) throws {
        let target = try Target(parsing: text)
        #expect(target == expected)
        #expect(try Target(parsing: target.description) == expected)
    }

    @Test("service: is an alias of svc:")
    func serviceAlias() throws {
        #expect(try Target(parsing: "service:demo/web:http") == .service(namespace: "demo", name: "web", port: .name("http")))
    }

    @Test("rejects malformed targets with the reason", arguments: [
        ("pod:web", "NAMESPACE/NAME"), ("pod:demo/", "object name"), ("pod:Demo/web", "namespace name"),
        ("svc:demo/web:", "empty service port"), ("svc:demo/web:0", "port 0"), ("svc:demo/web:HTTP", "neither a number"),
        ("10.43.0.10", "no kind prefix"), ("10.43.0.10:99999", "not a port"), ("fd00::1:80", "unknown kind"),
        ("[fd00::1]80", "[ADDRESS]:PORT"), ("pid:-3", "not a process id"), ("pid:abc", "not a process id"),
        ("netns:", "empty namespace"), ("cluster:x", "unknown kind"), ("300.1.1.1:80", "not an IP address"),
    ])
    func rejects(text: String, reasonFragment: String) {
        do {
            _ = try Target(parsing: text)
            Issue.record("\(text) parsed")
        } catch {
            guard case .invalidTarget(let reason) = error.kind else { Issue.record("kind \(error.kind)"); return }
            #expect(reason.contains(reasonFragment), "\(text): \(reason)")
            #expect(error.description.contains(text))
        }
    }
}
