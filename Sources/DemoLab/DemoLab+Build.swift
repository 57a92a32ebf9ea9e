import Foundation

extension DemoLab {
    /// Builds the healthy node: namespaces, bridge, veths, addresses and routes, sysctls, kube-proxy and
    /// flannel rules in the node namespace, and the backend listeners. On failure the caller should call
    /// ``teardown()`` (the CLI and tests do).
    public func build() throws(DemoLabError) {
        guard getuid() == 0 else { throw DemoLabError(kind: .notRoot, step: "build") }
        try buildNode()
        for pod in DemoTopology.pods { try buildPod(pod) }
        try writeRuntimeTree()
        try step("load kube-proxy \(proxyMode.rawValue)-mode rules") { () throws(DemoLabError) in
            switch proxyMode {
            case .iptables:
                try LabCommand.run(in: nodeNamespace, ["iptables-nft-restore"], input: DemoTopology.kubeProxyRules.iptablesRestore())
            case .nftables:
                try LabCommand.run(in: nodeNamespace, ["nft", "-f", "-"], input: DemoTopology.kubeProxyNFTRules.nftScript())
            }
        }
        try step("load flannel rules") { () throws(DemoLabError) in
            try LabCommand.run(in: nodeNamespace, ["iptables-nft-restore", "--noflush"], input: DemoTopology.flannelRules)
        }
        for pod in DemoTopology.pods where !pod.listensOn.isEmpty {
            try step("start listener in \(pod.name)") { () throws(DemoLabError) in
                record(listener: try DemoListener.start(in: namespace(of: pod), ports: pod.listensOn, marker: processMarker,
                                                        watchParent: !listenersOutliveProcess))
            }
        }
    }

    private func buildNode() throws(DemoLabError) {
        let node = nodeNamespace
        try addNamespace(node)
        let commands: [[String]] = [
            // The node's "uplink": a veth whose peer stays in the node namespace (no dummy module needed), so the
            // default route exists but leads nowhere.
            ["ip", "link", "add", "eth0", "type", "veth", "peer", "name", "uplink0"],
            ["ip", "link", "set", "uplink0", "up"],
            ["ip", "addr", "add", "\(DemoTopology.nodeAddress)/24", "dev", "eth0"],
            ["ip", "link", "set", "eth0", "up"],
            ["ip", "route", "add", "default", "via", "\(DemoTopology.nodeGateway)", "dev", "eth0"],
            ["ip", "link", "add", DemoTopology.bridge, "type", "bridge"],
            ["ip", "addr", "add", "\(DemoTopology.bridgeAddress)/\(DemoTopology.nodePodCIDR.length)", "dev", DemoTopology.bridge],
            ["ip", "link", "set", DemoTopology.bridge, "up"],
            ["sysctl", "-qw", "net.ipv4.ip_forward=1"],
        ]
        for command in commands {
            try step(command.joined(separator: " ")) { () throws(DemoLabError) in try LabCommand.run(in: node, command) }
        }
        // br_netfilter's switch is per namespace since Linux 5.3, and only present while the module is loaded.
        try step("enable bridge-nf-call-iptables") { () throws(DemoLabError) in
            do {
                try LabCommand.run(in: node, ["sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=1"])
                bridgeNetfilter = .enabled
            } catch {
                bridgeNetfilter = .unavailable
            }
        }
    }

    private func buildPod(_ pod: DemoPod) throws(DemoLabError) {
        let name = namespace(of: pod), node = nodeNamespace
        try addNamespace(name)
        let nodeSide: [[String]] = [
            ["ip", "link", "add", pod.hostInterface, "type", "veth", "peer", "name", "eth0", "netns", name],
            ["ip", "link", "set", pod.hostInterface, "master", DemoTopology.bridge],
            ["ip", "link", "set", pod.hostInterface, "up"],
        ]
        let podSide: [[String]] = [
            ["ip", "addr", "add", "\(pod.address)/\(DemoTopology.nodePodCIDR.length)", "dev", "eth0"],
            ["ip", "link", "set", "eth0", "up"],
            ["ip", "route", "add", "default", "via", "\(DemoTopology.bridgeAddress)", "dev", "eth0"],
        ]
        for command in nodeSide {
            try step(command.joined(separator: " ")) { () throws(DemoLabError) in try LabCommand.run(in: node, command) }
        }
        for command in podSide {
            try step(command.joined(separator: " ")) { () throws(DemoLabError) in try LabCommand.run(in: name, command) }
        }
    }

    private func addNamespace(_ name: String) throws(DemoLabError) {
        try step("ip netns add \(name)") { () throws(DemoLabError) in
            record(namespace: name)
            try LabCommand.run(["ip", "netns", "add", name])
            try LabCommand.run(in: name, ["ip", "link", "set", "lo", "up"])
        }
    }
}
