import Foundation

/// A temporary directory laid out like a node's runtime state: containerd's or K3s's task bundles (one
/// `<id>/config.json` per sandbox and container, as containerd's CRI plugin writes them), kubelet's
/// `/var/log/pods`, and a `/proc`-like tree with `<pid>/cgroup` files.
final class FakeRuntimeTree {
    let root: String

    init() throws {
        root = NSTemporaryDirectory() + "nfscope-kube-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    var procRoot: String { root + "/proc" }
    var podLogRoot: String { root + "/var/log/pods" }

    /// Writes a sandbox ("pause") bundle. `netnsPath` nil means host network (no network namespace entry).
    func addSandbox(under runtimePath: String, id: String, namespace: String, name: String, uid: String,
                    netnsPath: String?) throws {
        let network = netnsPath.map { #",{"type":"network","path":"\#($0)"}"# } ?? ""
        try write(under: runtimePath, id: id, json: """
            {"ociVersion":"1.1.0","process":{"user":{"uid":65535,"gid":65535},"args":["/pause"],\
            "env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"cwd":"/",\
            "capabilities":{"bounding":["CAP_CHOWN"]},"noNewPrivileges":true,"oomScoreAdj":-998},\
            "root":{"path":"rootfs","readonly":true},"hostname":"\(name)",\
            "mounts":[{"destination":"/proc","type":"proc","source":"proc","options":["nosuid","noexec","nodev"]}],\
            "annotations":{"io.kubernetes.cri.container-type":"sandbox","io.kubernetes.cri.sandbox-id":"\(id)",\
            "io.kubernetes.cri.sandbox-log-directory":"/var/log/pods/\(namespace)_\(name)_\(uid)",\
            "io.kubernetes.cri.sandbox-name":"\(name)","io.kubernetes.cri.sandbox-namespace":"\(namespace)",\
            "io.kubernetes.cri.sandbox-uid":"\(uid)"},\
            "linux":{"resources":{"cpu":{"shares":2}},\
            "cgroupsPath":"kubepods-besteffort-pod\(uid.replacingOccurrences(of: "-", with: "_")).slice:cri-containerd:\(id)",\
            "namespaces":[{"type":"pid"},{"type":"ipc"},{"type":"uts"},{"type":"mount"}\(network)],\
            "seccomp":{"defaultAction":"SCMP_ACT_ERRNO"}}}
            """)
    }

    /// Writes an application container bundle of a pod; containers share the sandbox's namespace by pid path.
    func addContainer(under runtimePath: String, id: String, sandboxID: String, namespace: String, name: String,
                      uid: String, containerName: String) throws {
        try write(under: runtimePath, id: id, json: """
            {"ociVersion":"1.1.0","process":{"args":["/app"],"cwd":"/"},"root":{"path":"rootfs"},\
            "annotations":{"io.kubernetes.cri.container-name":"\(containerName)",\
            "io.kubernetes.cri.container-type":"container","io.kubernetes.cri.image-name":"docker.io/library/app:1",\
            "io.kubernetes.cri.sandbox-id":"\(sandboxID)","io.kubernetes.cri.sandbox-name":"\(name)",\
            "io.kubernetes.cri.sandbox-namespace":"\(namespace)","io.kubernetes.cri.sandbox-uid":"\(uid)"},\
            "linux":{"namespaces":[{"type":"pid"},{"type":"ipc","path":"/proc/4242/ns/ipc"},\
            {"type":"uts","path":"/proc/4242/ns/uts"},{"type":"mount"},{"type":"network","path":"/proc/4242/ns/net"}]}}
            """)
    }

    /// A non-Kubernetes task (no CRI annotations), which the resolver must skip.
    func addPlainTask(under runtimePath: String, id: String) throws {
        try write(under: runtimePath, id: id, json: #"{"ociVersion":"1.1.0","process":{"args":["/bin/sh"]},"linux":{"namespaces":[{"type":"network"}]}}"#)
    }

    /// A `/proc/<pid>/cgroup` file (cgroup v2 form: `0::/path`).
    func addProcess(pid: Int32, cgroup: String) throws {
        let directory = "\(procRoot)/\(pid)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(cgroup.utf8).write(to: URL(fileURLWithPath: directory + "/cgroup"))
    }

    func addPodLogDirectory(namespace: String, name: String, uid: String) throws {
        try FileManager.default.createDirectory(atPath: "\(podLogRoot)/\(namespace)_\(name)_\(uid)",
                                                withIntermediateDirectories: true)
    }

    /// An empty file standing in for a CNI namespace bind mount, so the path "exists".
    func addNamespaceFile(_ name: String) throws -> String {
        let directory = root + "/var/run/netns"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/" + name
        try Data().write(to: URL(fileURLWithPath: path))
        return path
    }

    private func write(under runtimePath: String, id: String, json: String) throws {
        let directory = "\(runtimePath)/\(id)"
        try FileManager.default.createDirectory(atPath: directory + "/rootfs", withIntermediateDirectories: true)
        try Data(json.utf8).write(to: URL(fileURLWithPath: directory + "/config.json"))
        try Data("4242".utf8).write(to: URL(fileURLWithPath: directory + "/init.pid"))
    }
}
