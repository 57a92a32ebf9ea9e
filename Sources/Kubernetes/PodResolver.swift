import FoundationEssentials
import NetCore
import NetNS

/// Finds a pod's network namespace from the container runtime's state on disk, without an API server.
///
/// First the sandbox task bundles under each runtime root (containerd's and K3s's): the sandbox whose CRI
/// annotations name the pod gives the sandbox id, the pod UID and the CNI namespace path. When no bundle
/// gives a namespace that still exists, the pod UID (from a bundle, or from kubelet's log directory
/// `/var/log/pods/<namespace>_<name>_<uid>`) is looked for in `/proc/PID/cgroup`
/// (`kubepods…/pod<uid>/…` with cgroupfs, `kubepods-…-pod<uid_with_underscores>.slice` with systemd), and
/// that process's `/proc/PID/ns/net` is the pod's namespace. Every root is a parameter so tests can lay out
/// fake trees.
public struct PodResolver: Sendable {
    public var runtimeRoots: [RuntimeRoot]
    /// `/proc`, or a fake tree with `<pid>/cgroup` files.
    public var procRoot: String
    /// kubelet's pod log directory, `/var/log/pods`.
    public var podLogRoot: String
    /// The largest `config.json` read; real specs are a few KiB.
    static let maxSpecBytes = 4 << 20

    public init(runtimeRoots: [RuntimeRoot] = [.containerd, .k3s], procRoot: String = "/proc",
                podLogRoot: String = "/var/log/pods") {
        self.runtimeRoots = runtimeRoots
        self.procRoot = procRoot
        self.podLogRoot = podLogRoot
    }

    /// Every Kubernetes task bundle under the runtime roots (sandboxes and containers). Bundles that cannot
    /// be read or decoded are skipped: a task may exit while we scan.
    public func bundles() -> [(root: RuntimeRoot, bundle: RuntimeBundle)] {
        var found: [(RuntimeRoot, RuntimeBundle)] = []
        for root in runtimeRoots {
            let ids = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
            for id in ids.sorted() {
                let directory = "\(root.path)/\(id)"
                guard let bytes = try? ProcFile.read("\(directory)/config.json", maxBytes: PodResolver.maxSpecBytes),
                      let bundle = try? RuntimeBundle.decode(Data(bytes), id: id, directory: directory) else { continue }
                found.append((root, bundle))
            }
        }
        return found
    }

    /// Resolves `pod:NAMESPACE/NAME` to its namespace path (without its address; see
    /// ``ResolvedPod/readingAddress(interface:)``).
    public func resolve(namespace: String, name: String) throws(KubernetesError) -> ResolvedPod {
        let reference = "\(namespace)/\(name)"
        let all = bundles()
        let mine = all.filter { $0.bundle.podNamespace == namespace && $0.bundle.podName == name }
        let sandboxes = mine.filter(\.bundle.isSandbox)
        for (root, sandbox) in sandboxes {
            let source = ResolvedPod.Source.runtimeBundle(runtime: root.label, directory: sandbox.directory)
            if !sandbox.hasNetworkNamespace {
                return ResolvedPod(namespace: namespace, name: name, uid: sandbox.podUID, netnsPath: "\(procRoot)/1/ns/net",
                                   sandboxID: sandbox.id, hostNetwork: true, source: source)
            }
            if let path = sandbox.networkNamespacePath, FileManager.default.fileExists(atPath: path) {
                return ResolvedPod(namespace: namespace, name: name, uid: sandbox.podUID, netnsPath: path,
                                   sandboxID: sandbox.id, source: source)
            }
        }
        // No sandbox with a live namespace path: fall back to the pod UID in the processes' cgroups.
        let uid = mine.lazy.compactMap(\.bundle.podUID).first ?? podUIDFromLogDirectory(namespace: namespace, name: name)
        let sandboxID = sandboxes.first?.bundle.id ?? mine.lazy.compactMap(\.bundle.sandboxID).first
        if let uid {
            if let pid = processInPod(uid: uid) {
                return ResolvedPod(namespace: namespace, name: name, uid: uid, netnsPath: "\(procRoot)/\(pid)/ns/net",
                                   sandboxID: sandboxID, source: .cgroup(pid: pid))
            }
            let stale = sandboxes.compactMap(\.bundle.networkNamespacePath)
            let reason = (stale.isEmpty ? "" : "the sandbox's namespace \(stale.joined(separator: ", ")) is gone, and ")
                + "no process in \(procRoot) has pod UID \(uid) in its cgroup"
            throw KubernetesError(kind: .podNamespaceMissing(reason: reason), target: "pod:\(reference)")
        }
        let known = all.compactMap { entry -> String? in
            guard let ns = entry.bundle.podNamespace, let pod = entry.bundle.podName else { return nil }
            return "\(ns)/\(pod)"
        } + podLogDirectoryEntries().map { "\($0.namespace)/\($0.name)" }
        throw KubernetesError(kind: .podNotFound(searched: runtimeRoots.map(\.path) + [podLogRoot]),
                              target: "pod:\(reference)",
                              suggestions: NameSuggestions.closest(to: reference, among: known).map { "pod:\($0)" })
    }
}
