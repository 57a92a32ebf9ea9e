import Foundation

/// The lab's container runtime state on disk: one containerd task bundle per pod sandbox (and one per
/// application container of a pod with listeners), laid out as containerd's CRI plugin lays them out
/// (`…/io.containerd.runtime.v2.task/k8s.io/<id>/config.json`, an OCI spec with the CRI annotations and the
/// sandbox's network namespace path), under a per-lab directory so `nfscope trace pod:demo/client …` can
/// resolve the lab's pods with `--runtime-root`. Nothing here runs; the files only describe.
extension DemoLab {
    /// The per-lab directory: `/run/nfscope-lab/<prefix>`.
    public static func stateDirectory(prefix: String) -> String { "/run/nfscope-lab/\(prefix)" }

    /// The task bundle directory, what `--runtime-root` takes.
    public static func runtimeRoot(prefix: String) -> String {
        stateDirectory(prefix: prefix) + "/run/containerd/io.containerd.runtime.v2.task/k8s.io"
    }

    /// The node namespace's name for a prefix (`<prefix>-node`).
    public static func nodeNamespace(prefix: String) -> String { "\(prefix)-node" }

    /// This lab's task bundle directory.
    public var runtimeRoot: String { DemoLab.runtimeRoot(prefix: prefix) }

    /// The sandbox id of a pod: 64 hex characters like containerd's, derived from the lab and pod names so
    /// that it is stable for one lab and distinct across labs.
    public func sandboxID(of pod: DemoPod) -> String { DemoLab.hexID("\(prefix)/sandbox/\(pod.name)") }

    /// The pod UID the lab gives a pod (a UUID-shaped string derived the same way).
    public func podUID(of pod: DemoPod) -> String {
        let hex = Array(DemoLab.hexID("\(prefix)/uid/\(pod.name)").prefix(32))
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(hex[$0]) }.joined(separator: "-")
    }

    /// Writes every pod's sandbox bundle (and a container bundle for pods that serve). Called by ``build()``.
    func writeRuntimeTree() throws(DemoLabError) {
        try step("write the runtime tree under \(DemoLab.stateDirectory(prefix: prefix))") { () throws(DemoLabError) in
            do {
                for pod in DemoTopology.pods {
                    try writeBundle(id: sandboxID(of: pod), spec: sandboxSpec(pod))
                    if !pod.listensOn.isEmpty {
                        try writeBundle(id: DemoLab.hexID("\(prefix)/container/\(pod.name)"), spec: containerSpec(pod))
                    }
                }
            } catch {
                throw DemoLabError(kind: .launchFailed(reason: "writing \(runtimeRoot): \(error)"),
                                   step: "write the runtime tree")
            }
        }
    }

    /// Removes the per-lab directory (and `/run/nfscope-lab` when it is left empty).
    static func removeRuntimeTree(prefix: String) {
        try? FileManager.default.removeItem(atPath: stateDirectory(prefix: prefix))
        let parent = "/run/nfscope-lab"
        if (try? FileManager.default.contentsOfDirectory(atPath: parent))?.isEmpty == true {
            try? FileManager.default.removeItem(atPath: parent)
        }
    }

    private func writeBundle(id: String, spec: [String: Any]) throws {
        let directory = "\(runtimeRoot)/\(id)"
        try FileManager.default.createDirectory(atPath: directory + "/rootfs", withIntermediateDirectories: true)
        let data = try JSONSerialization.data(withJSONObject: spec, options: [.sortedKeys, .withoutEscapingSlashes])
        try data.write(to: URL(fileURLWithPath: directory + "/config.json"))
    }

    private func annotations(_ pod: DemoPod, type: String) -> [String: String] {
        let namespace = DemoTopology.kubernetesNamespace, uid = podUID(of: pod)
        return [
            "io.kubernetes.cri.container-type": type,
            "io.kubernetes.cri.sandbox-id": sandboxID(of: pod),
            "io.kubernetes.cri.sandbox-log-directory": "/var/log/pods/\(namespace)_\(pod.name)_\(uid)",
            "io.kubernetes.cri.sandbox-name": pod.name,
            "io.kubernetes.cri.sandbox-namespace": namespace,
            "io.kubernetes.cri.sandbox-uid": uid,
        ]
    }

    private func sandboxSpec(_ pod: DemoPod) -> [String: Any] {
        let slice = "kubepods-besteffort-pod\(podUID(of: pod).replacingOccurrences(of: "-", with: "_")).slice"
        return [
            "ociVersion": "1.1.0",
            "process": ["args": ["/pause"], "cwd": "/", "user": ["uid": 65535, "gid": 65535]],
            "root": ["path": "rootfs", "readonly": true],
            "hostname": pod.name,
            "annotations": annotations(pod, type: "sandbox"),
            "linux": [
                "cgroupsPath": "\(slice):cri-containerd:\(sandboxID(of: pod))",
                "namespaces": [["type": "pid"], ["type": "ipc"], ["type": "uts"], ["type": "mount"],
                               ["type": "network", "path": "/run/netns/\(namespace(of: pod))"]],
            ] as [String: Any],
        ]
    }

    private func containerSpec(_ pod: DemoPod) -> [String: Any] {
        var annotations = annotations(pod, type: "container")
        annotations["io.kubernetes.cri.container-name"] = "web"
        annotations["io.kubernetes.cri.image-name"] = "docker.io/library/nginx:1.27"
        return [
            "ociVersion": "1.1.0",
            "process": ["args": ["nginx", "-g", "daemon off;"], "cwd": "/"],
            "root": ["path": "rootfs"],
            "annotations": annotations,
            // Application containers join the sandbox's namespaces by path, as containerd writes them.
            "linux": ["namespaces": [["type": "pid"], ["type": "mount"],
                                     ["type": "network", "path": "/run/netns/\(namespace(of: pod))"]]],
        ]
    }

    /// 64 hex characters from SHA-256 of `text`.
    static func hexID(_ text: String) -> String {
        SHA256.digest(Array(text.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }
}
