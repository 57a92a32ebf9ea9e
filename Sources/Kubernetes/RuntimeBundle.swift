import FoundationEssentials

/// One containerd task bundle (`<root>/<id>/config.json`), reduced to what pod resolution needs.
///
/// containerd's CRI plugin writes the OCI runtime spec of every sandbox ("pause") and container into the
/// task's bundle directory, with the pod's identity in annotations (containerd `pkg/cri/annotations`):
/// `io.kubernetes.cri.container-type` (`sandbox` or `container`), `io.kubernetes.cri.sandbox-id`,
/// `io.kubernetes.cri.sandbox-name`, `io.kubernetes.cri.sandbox-namespace`, `io.kubernetes.cri.sandbox-uid`.
/// The sandbox's `linux.namespaces` entry of type `network` names the CNI namespace
/// (`/var/run/netns/cni-<uuid>`); a host-network pod has no such entry.
public struct RuntimeBundle: Hashable, Sendable {
    /// The task id (the bundle's directory name; for a sandbox, the sandbox id).
    public var id: String
    /// The bundle directory.
    public var directory: String
    /// Whether this is the pod's sandbox rather than one of its containers.
    public var isSandbox: Bool
    public var sandboxID: String?
    public var podNamespace: String?
    public var podName: String?
    public var podUID: String?
    /// The `path` of the `network` namespace entry; `nil` when the entry has none (a new namespace).
    public var networkNamespacePath: String?
    /// Whether the spec lists a `network` namespace at all; `false` means the pod shares the host's.
    public var hasNetworkNamespace: Bool

    public init(id: String, directory: String, isSandbox: Bool, sandboxID: String?, podNamespace: String?,
                podName: String?, podUID: String?, networkNamespacePath: String?, hasNetworkNamespace: Bool) {
        self.id = id
        self.directory = directory
        self.isSandbox = isSandbox
        self.sandboxID = sandboxID
        self.podNamespace = podNamespace
        self.podName = podName
        self.podUID = podUID
        self.networkNamespacePath = networkNamespacePath
        self.hasNetworkNamespace = hasNetworkNamespace
    }
}

/// The CRI annotation keys containerd writes into OCI specs.
enum CRIAnnotation {
    static let containerType = "io.kubernetes.cri.container-type"
    static let sandboxID = "io.kubernetes.cri.sandbox-id"
    static let sandboxName = "io.kubernetes.cri.sandbox-name"
    static let sandboxNamespace = "io.kubernetes.cri.sandbox-namespace"
    static let sandboxUID = "io.kubernetes.cri.sandbox-uid"
    static let sandboxType = "sandbox"
}

extension RuntimeBundle {
    /// The few fields of the OCI runtime spec we read; everything else in `config.json` is ignored.
    private struct Spec: Decodable {
        struct Linux: Decodable {
            struct Namespace: Decodable {
                var type: String
                var path: String?
            }
            var namespaces: [Namespace]?
        }
        var annotations: [String: String]?
        var linux: Linux?
    }

    /// Decodes a bundle's `config.json`; `nil` when it is not an OCI spec with CRI annotations (a task
    /// that containerd runs for something other than Kubernetes).
    static func decode(_ data: Data, id: String, directory: String) throws -> RuntimeBundle? {
        let spec = try JSONDecoder().decode(Spec.self, from: data)
        guard let annotations = spec.annotations, let type = annotations[CRIAnnotation.containerType] else { return nil }
        let network = spec.linux?.namespaces?.first { $0.type == "network" }
        let path = network?.path.flatMap { $0.isEmpty ? nil : $0 }
        return RuntimeBundle(id: id, directory: directory, isSandbox: type == CRIAnnotation.sandboxType,
                             sandboxID: annotations[CRIAnnotation.sandboxID],
                             podNamespace: annotations[CRIAnnotation.sandboxNamespace],
                             podName: annotations[CRIAnnotation.sandboxName],
                             podUID: annotations[CRIAnnotation.sandboxUID],
                             networkNamespacePath: path, hasNetworkNamespace: network != nil)
    }
}
