import Foundation
import Kubernetes
import NetCore
import Testing
import TestLab

@Suite("Pod resolution against a real namespace", .serialized,
       .enabled(if: Shell.isRoot, "needs root: creates network namespaces"))
struct PodResolverLabTests {
    /// Writes a containerd sandbox bundle whose network namespace path is `netnsPath`.
    func writeSandbox(root: String, id: String, namespace: String, name: String, uid: String, netnsPath: String) throws {
        let directory = "\(root)/\(id)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let json = """
            {"ociVersion":"1.1.0","process":{"args":["/pause"],"cwd":"/"},"root":{"path":"rootfs","readonly":true},
             "annotations":{"io.kubernetes.cri.container-type":"sandbox","io.kubernetes.cri.sandbox-id":"\(id)",
              "io.kubernetes.cri.sandbox-name":"\(name)","io.kubernetes.cri.sandbox-namespace":"\(namespace)",
              "io.kubernetes.cri.sandbox-uid":"\(uid)"},
             "linux":{"namespaces":[{"type":"pid"},{"type":"ipc"},{"type":"uts"},{"type":"mount"},
              {"type":"network","path":"\(netnsPath)"}]}}
            """
        try Data(json.utf8).write(to: URL(fileURLWithPath: directory + "/config.json"))
    }

    @Test("a K3s sandbox whose netns is a lab namespace resolves, and its eth0 address is read over rtnetlink")
    func realNamespace() throws {
        let temp = NSTemporaryDirectory() + "nfscope-kube-lab-\(getpid())-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: temp) }
        try withLab { lab in
            let node = try lab.namespace("node")
            let pod = try lab.namespace("pod")
            // A second address on another interface and a link-scope one on eth0 must not be picked.
            try lab.veth(node, "vethpod", addresses: ["10.42.0.1/24"], pod, "eth0", addresses: ["10.42.0.7/24", "fd00:42::7/64"])
            try pod.exec(["ip", "addr", "add", "169.254.9.9/16", "scope", "link", "dev", "eth0"])
            try pod.exec(["ip", "link", "add", "extra0", "type", "veth", "peer", "name", "extra1"])
            try pod.exec(["ip", "addr", "add", "192.0.2.9/24", "dev", "extra0"])
            let root = RuntimeRoot.k3s(under: temp)
            let sandbox = String(repeating: "ab", count: 32)
            try writeSandbox(root: root.path, id: sandbox, namespace: "demo", name: "client", uid: "u-lab", netnsPath: pod.path)
            let resolver = PodResolver(runtimeRoots: [.containerd(under: temp), root], procRoot: temp + "/proc",
                                       podLogRoot: temp + "/var/log/pods")
            let resolved = try resolver.resolve(namespace: "demo", name: "client").readingAddress()
            #expect(resolved.netnsPath == pod.path)
            #expect(resolved.sandboxID == sandbox)
            #expect(resolved.ip == IPAddress("10.42.0.7"))
            // Oracle: `ip` agrees on eth0's global IPv4 address.
            #expect(try pod.exec(["ip", "-4", "-o", "addr", "show", "dev", "eth0", "scope", "global"]).contains("10.42.0.7/24"))
            // An interface without a global address gives no IP rather than a wrong one.
            #expect(try resolver.resolve(namespace: "demo", name: "client").readingAddress(interface: "extra1").ip == nil)
        }
    }

    @Test("the cgroup fallback on this machine: our own process is in no pod, so an unknown UID finds nothing")
    func realProcNoPod() {
        #expect(PodResolver().processInPod(uid: UUID().uuidString.lowercased()) == nil)
    }
}
