import Foundation
import Kubernetes
import Testing

@Suite("Pod resolution from runtime state on disk")
struct PodResolverTests {
    let sandboxA = "9b1deb4d3b7d4bad9bdd2b0d7b3dcb6d9b1deb4d3b7d4bad9bdd2b0d7b3dcb6d"
    let sandboxB = "1f0e2d3c4b5a69788796a5b4c3d2e1f01f0e2d3c4b5a69788796a5b4c3d2e1f0"

    @Test("containerd tree: the sandbox bundle gives namespace path, sandbox id and UID")
    func containerdTree() throws {
        let tree = try FakeRuntimeTree()
        let root = RuntimeRoot.containerd(under: tree.root)
        let netns = try tree.addNamespaceFile("cni-6f1c9a2e-0d3b-4c5a-8e7f-1a2b3c4d5e6f")
        try tree.addSandbox(under: root.path, id: sandboxA, namespace: "flux-system", name: "kustomize-controller-6bc5d5b96-x2k9p",
                            uid: "0f3c2a1b-4d5e-4f60-8a7b-9c0d1e2f3a4b", netnsPath: netns)
        try tree.addContainer(under: root.path, id: "c0ffee" + String(repeating: "0", count: 58), sandboxID: sandboxA,
                              namespace: "flux-system", name: "kustomize-controller-6bc5d5b96-x2k9p",
                              uid: "0f3c2a1b-4d5e-4f60-8a7b-9c0d1e2f3a4b", containerName: "manager")
        try tree.addPlainTask(under: root.path, id: "buildkit")
        let resolver = PodResolver(runtimeRoots: [root, .k3s(under: tree.root)], procRoot: tree.procRoot, podLogRoot: tree.podLogRoot)
        let pod = try resolver.resolve(namespace: "flux-system", name: "kustomize-controller-6bc5d5b96-x2k9p")
        #expect(pod.netnsPath == netns)
        #expect(pod.sandboxID == sandboxA)
        #expect(pod.uid == "0f3c2a1b-4d5e-4f60-8a7b-9c0d1e2f3a4b")
        #expect(pod.hostNetwork == false)
        #expect(pod.source == .runtimeBundle(runtime: "containerd", directory: "\(root.path)/\(sandboxA)"))
        #expect(resolver.bundles().count == 2, "the non-Kubernetes task is skipped")
    }

    @Test("K3s tree: found under /run/k3s/containerd, also when containerd's root is absent")
    func k3sTree() throws {
        let tree = try FakeRuntimeTree()
        let root = RuntimeRoot.k3s(under: tree.root)
        #expect(root.path.hasSuffix("/run/k3s/containerd/io.containerd.runtime.v2.task/k8s.io"))
        let netns = try tree.addNamespaceFile("cni-aaaa")
        try tree.addSandbox(under: root.path, id: sandboxB, namespace: "kube-system", name: "coredns-7b98449c4-abcde",
                            uid: "11111111-2222-3333-4444-555555555555", netnsPath: netns)
        let resolver = PodResolver(runtimeRoots: [.containerd(under: tree.root), root], procRoot: tree.procRoot,
                                   podLogRoot: tree.podLogRoot)
        let pod = try resolver.resolve(namespace: "kube-system", name: "coredns-7b98449c4-abcde")
        #expect(pod.netnsPath == netns)
        #expect(pod.source == .runtimeBundle(runtime: "k3s", directory: "\(root.path)/\(sandboxB)"))
    }

    @Test("a host-network sandbox (no network namespace entry) resolves to the node's namespace")
    func hostNetwork() throws {
        let tree = try FakeRuntimeTree()
        let root = RuntimeRoot.k3s(under: tree.root)
        try tree.addSandbox(under: root.path, id: sandboxA, namespace: "kube-system", name: "svclb-traefik-x1",
                            uid: "u-1", netnsPath: nil)
        let pod = try PodResolver(runtimeRoots: [root], procRoot: tree.procRoot, podLogRoot: tree.podLogRoot)
            .resolve(namespace: "kube-system", name: "svclb-traefik-x1")
        #expect(pod.hostNetwork)
        #expect(pod.netnsPath == "\(tree.procRoot)/1/ns/net")
    }

    @Test("a stale sandbox namespace path falls back to the pod UID in a process's cgroup (systemd form)")
    func staleNamespaceFallsBackToCgroup() throws {
        let tree = try FakeRuntimeTree()
        let root = RuntimeRoot.containerd(under: tree.root)
        let uid = "0f3c2a1b-4d5e-4f60-8a7b-9c0d1e2f3a4b"
        try tree.addSandbox(under: root.path, id: sandboxA, namespace: "demo", name: "web-1", uid: uid,
                            netnsPath: "/var/run/netns/cni-gone-\(UUID().uuidString)")
        try tree.addProcess(pid: 17, cgroup: "0::/system.slice/containerd.service\n")
        try tree.addProcess(pid: 4242, cgroup: "0::/kubepods.slice/kubepods-besteffort.slice/"
            + "kubepods-besteffort-pod\(uid.replacingOccurrences(of: "-", with: "_")).slice/cri-containerd-\(sandboxA).scope\n")
        let pod = try PodResolver(runtimeRoots: [root], procRoot: tree.procRoot, podLogRoot: tree.podLogRoot)
            .resolve(namespace: "demo", name: "web-1")
        #expect(pod.source == .cgroup(pid: 4242))
        #expect(pod.netnsPath == "\(tree.procRoot)/4242/ns/net")
        #expect(pod.sandboxID == sandboxA)
        #expect(pod.uid == uid)
    }

    @Test("no bundle at all: the UID comes from kubelet's log directory, the process from cgroupfs paths (v1 form)")
    func cgroupFallbackWithoutBundles() throws {
        let tree = try FakeRuntimeTree()
        let uid = "a8b7c6d5-e4f3-4a2b-9c1d-0e9f8a7b6c5d"
        try tree.addPodLogDirectory(namespace: "demo", name: "client", uid: uid)
        try tree.addPodLogDirectory(namespace: "demo", name: "other", uid: "ffffffff-0000-0000-0000-000000000000")
        try tree.addProcess(pid: 99, cgroup: "12:pids:/kubepods/besteffort/podffffffff-0000-0000-0000-000000000000/abc\n")
        try tree.addProcess(pid: 310, cgroup: "12:pids:/kubepods/besteffort/pod\(uid)/0123abcd\n11:memory:/kubepods/besteffort/pod\(uid)/0123abcd\n")
        try tree.addProcess(pid: 305, cgroup: "0::/user.slice/pod\(uid)-lookalike\n")
        let pod = try PodResolver(runtimeRoots: [.containerd(under: tree.root)], procRoot: tree.procRoot, podLogRoot: tree.podLogRoot)
            .resolve(namespace: "demo", name: "client")
        #expect(pod.source == .cgroup(pid: 310), "a path outside kubepods does not count")
        #expect(pod.sandboxID == nil)
    }

    @Test("unknown pod: a clear error naming where we looked, with close names")
    func unknownPod() throws {
        let tree = try FakeRuntimeTree()
        let root = RuntimeRoot.k3s(under: tree.root)
        try tree.addSandbox(under: root.path, id: sandboxA, namespace: "flux-system", name: "source-controller-5f7d8c9b4-qwert",
                            uid: "u-2", netnsPath: try tree.addNamespaceFile("cni-b"))
        let resolver = PodResolver(runtimeRoots: [root], procRoot: tree.procRoot, podLogRoot: tree.podLogRoot)
        do {
            _ = try resolver.resolve(namespace: "flux-system", name: "source-controller-5f7d8c9b4-qwerty")
            Issue.record("resolved a pod that does not exist")
        } catch {
            guard case .podNotFound(let searched) = error.kind else { Issue.record("\(error)"); return }
            #expect(searched == [root.path, tree.podLogRoot])
            #expect(error.suggestions == ["pod:flux-system/source-controller-5f7d8c9b4-qwert"])
            #expect(error.description.hasPrefix("no pod pod:flux-system/source-controller-5f7d8c9b4-qwerty on this node (searched "))
        }
    }

    @Test("a known pod whose namespace is gone and has no process says so")
    func namespaceMissing() throws {
        let tree = try FakeRuntimeTree()
        let root = RuntimeRoot.containerd(under: tree.root)
        try tree.addSandbox(under: root.path, id: sandboxA, namespace: "demo", name: "web-1", uid: "u-3",
                            netnsPath: "/var/run/netns/cni-gone-\(UUID().uuidString)")
        do {
            _ = try PodResolver(runtimeRoots: [root], procRoot: tree.procRoot, podLogRoot: tree.podLogRoot).resolve(namespace: "demo", name: "web-1")
            Issue.record("resolved a pod without a namespace")
        } catch {
            guard case .podNamespaceMissing(let reason) = error.kind else { Issue.record("\(error)"); return }
            #expect(reason.contains("is gone") && reason.contains("u-3"))
        }
    }

    @Test("a malformed config.json is skipped, not fatal")
    func malformedSpec() throws {
        let tree = try FakeRuntimeTree()
        let root = RuntimeRoot.containerd(under: tree.root)
        try FileManager.default.createDirectory(atPath: root.path + "/broken", withIntermediateDirectories: true)
        try Data("{\"annotations\": {\"io.kubernetes.cri.container-type\": ".utf8).write(to: URL(fileURLWithPath: root.path + "/broken/config.json"))
        try tree.addSandbox(under: root.path, id: sandboxA, namespace: "demo", name: "web-1", uid: "u-4",
                            netnsPath: try tree.addNamespaceFile("cni-c"))
        let resolver = PodResolver(runtimeRoots: [root], procRoot: tree.procRoot, podLogRoot: tree.podLogRoot)
        #expect(resolver.bundles().count == 1)
        #expect(try resolver.resolve(namespace: "demo", name: "web-1").sandboxID == sandboxA)
    }
}
