import NetCore

/// A pod found on this node: its identity, the network namespace its sandbox lives in, and where we
/// learnt it. ``ip`` is filled by ``ResolvedPod/readingAddress(interface:)``.
public struct ResolvedPod: Hashable, Sendable {
    /// How the pod was found.
    public enum Source: Hashable, Sendable {
        /// From a sandbox task bundle under a runtime root (`label` is `containerd` or `k3s`).
        case runtimeBundle(runtime: String, directory: String)
        /// From a process whose `/proc/PID/cgroup` names the pod UID (`kubepods…pod<uid>…`).
        case cgroup(pid: Int32)
    }

    public var namespace: String
    public var name: String
    /// `metadata.uid`, when known.
    public var uid: String?
    /// A path that opens the pod's network namespace (`/var/run/netns/cni-…` or `/proc/PID/ns/net`).
    public var netnsPath: String
    /// The CRI sandbox id (the pause container's task id), when known.
    public var sandboxID: String?
    /// The pod's address: eth0's global IPv4 address (IPv6 when it has none), read from the namespace.
    public var ip: IPAddress?
    /// Whether the pod uses the node's network namespace (`hostNetwork: true`).
    public var hostNetwork: Bool
    public var source: Source

    public init(namespace: String, name: String, uid: String?, netnsPath: String, sandboxID: String?,
                ip: IPAddress? = nil, hostNetwork: Bool = false, source: Source) {
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.netnsPath = netnsPath
        self.sandboxID = sandboxID
        self.ip = ip
        self.hostNetwork = hostNetwork
        self.source = source
    }

    /// `NAMESPACE/NAME`.
    public var reference: String { "\(namespace)/\(name)" }
}

/// Where a container runtime keeps its Kubernetes task bundles.
public struct RuntimeRoot: Hashable, Sendable {
    /// A short name for messages: `containerd`, `k3s`.
    public var label: String
    /// The directory holding one `<task id>/config.json` per sandbox and container.
    public var path: String

    public init(label: String, path: String) {
        self.label = label
        self.path = path
    }

    /// containerd's runtime v2 shim state for the CRI namespace `k8s.io` (kubeadm, RKE2, …).
    public static let containerd = RuntimeRoot(label: "containerd", path: "/run/containerd/io.containerd.runtime.v2.task/k8s.io")
    /// K3s's embedded containerd, which keeps its state under `/run/k3s/containerd`.
    public static let k3s = RuntimeRoot(label: "k3s", path: "/run/k3s/containerd/io.containerd.runtime.v2.task/k8s.io")

    /// The containerd root under another root directory (for fake trees in tests).
    public static func containerd(under root: String) -> RuntimeRoot {
        RuntimeRoot(label: "containerd", path: root + containerd.path)
    }

    /// The K3s root under another root directory (for fake trees in tests).
    public static func k3s(under root: String) -> RuntimeRoot {
        RuntimeRoot(label: "k3s", path: root + k3s.path)
    }
}
