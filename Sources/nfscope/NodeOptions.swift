import ArgumentParser
import DemoLab
import Kubernetes
import NFScope

/// Which namespace is "the node" and where the container runtime keeps its state, for the commands that
/// resolve pod: and svc: targets (`trace FROM TO`, `diff`).
struct NodeOptions: ParsableArguments {
    @Option(name: .customLong("node-netns"), help: "The node's namespace (NAME under /run/netns, or a PATH): svc: is resolved from its kube-proxy rules and 'node' means it (default: nfscope's own).")
    var nodeNetns: String?

    @Option(name: .customLong("runtime-root"), help: "A directory of container task bundles (DIR/ID/config.json), such as /run/containerd/io.containerd.runtime.v2.task/k8s.io; repeatable; replaces the containerd and K3s defaults.")
    var runtimeRoots: [String] = []

    @Option(name: .customLong("lab"), help: "A kept demo lab's prefix: sets --node-netns PREFIX-node and --runtime-root to the lab's runtime tree.")
    var lab: String?

    var isEmpty: Bool { nodeNetns == nil && runtimeRoots.isEmpty && lab == nil }

    func validate() throws {
        if lab != nil, nodeNetns != nil || !runtimeRoots.isEmpty {
            throw ValidationError("--lab sets --node-netns and --runtime-root; give either")
        }
    }

    var context: NodeContext {
        if let lab {
            return NodeContext(nodeNamespacePath: NodeContext.namespacePath(DemoLab.nodeNamespace(prefix: lab)),
                               runtimeRoots: [RuntimeRoot(label: "lab", path: DemoLab.runtimeRoot(prefix: lab))])
        }
        var context = NodeContext()
        if let nodeNetns { context.nodeNamespacePath = NodeContext.namespacePath(nodeNetns) }
        if !runtimeRoots.isEmpty {
            context.runtimeRoots = runtimeRoots.map { RuntimeRoot(label: "runtime root", path: $0) }
        }
        return context
    }
}

/// Turns pod/service resolution errors into the documented exit codes: a malformed target is a usage error
/// (2); a pod or service that is not on this node is the environment's (3), like a missing namespace.
enum KubernetesFailure {
    static func mapping<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as KubernetesError {
            throw CommandFailure(message: error.description, exitCode: exitCode(for: error.kind))
        }
    }

    static func exitCode(for kind: KubernetesError.Kind) -> Int32 {
        switch kind {
        case .invalidTarget, .servicePortAmbiguous: return ExitStatus.usage
        case .podNotFound, .podNamespaceMissing, .serviceNotFound, .servicePortNotFound: return ExitStatus.environment
        }
    }
}
