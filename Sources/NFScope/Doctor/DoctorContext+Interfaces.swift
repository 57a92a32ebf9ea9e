import NetCore
import Route
import Simulator

extension DoctorContext {
    /// Link kinds that carry pod traffic between nodes encapsulated.
    static let tunnelKinds: Set<String> = ["vxlan", "geneve", "ipip", "gre", "gretap", "ip6tnl", "ip6gre", "sit",
                                            "wireguard", "ip6erspan", "erspan"]

    /// `bridge_netfilter_off`: a bridge in the node carries pod veths while `bridge-nf-call-iptables` is off
    /// (or br_netfilter is not loaded): bridged pod traffic, e.g. replies from a same-node endpoint, skips
    /// iptables and conntrack, so service DNAT is not undone.
    func bridgeNetfilter() -> [Finding] {
        guard let nodeModel, nodeModel.sysctls.bridgeCallsIptables != true else { return [] }
        let podPorts = Set(nodeModel.peers.filter { pods.contains($0.value.namespace) }.keys)
        let bridges = nodeModel.routes.links.filter { bridge in
            bridge.kind == .bridge && nodeModel.routes.links.contains { $0.masterIndex == bridge.index && podPorts.contains($0.index) }
        }
        guard !bridges.isEmpty else { return [] }
        let value = nodeModel.sysctls.bridgeCallsIptables.map { $0 ? "1" : "0" } ?? "absent (br_netfilter not loaded)"
        var evidence: [Evidence] = [.sysctl(SysctlEvidence(namespace: node, key: "net.bridge.bridge-nf-call-iptables", value: value))]
        evidence += bridges.map { .interface(interfaceEvidence($0, in: node)) }
        return [Finding(check: .bridgeNetfilterOff, severity: .error,
                        summary: "bridge \(bridges.map(\.name).joined(separator: ", ")) carries pods but bridged traffic skips "
                            + "iptables (bridge-nf-call-iptables is \(value)), so replies from same-node service endpoints are not un-NATed",
                        evidence: evidence,
                        fix: "modprobe br_netfilter and set net.bridge.bridge-nf-call-iptables=1 (persist it in /etc/sysctl.d and /etc/modules-load.d)")]
    }

    /// `strict_rp_filter_on_tunnel`: strict reverse-path filtering (1) in effect on an overlay tunnel interface,
    /// which drops decapsulated packets whose source route points elsewhere.
    func strictReversePathOnTunnels() -> [Finding] {
        guard let nodeModel else { return [] }
        var findings: [Finding] = []
        for link in nodeModel.routes.links where DoctorContext.tunnelKinds.contains(link.kind?.rawValue ?? "") {
            guard nodeModel.sysctls.effectiveReversePathFilter(on: link.name) == 1 else { continue }
            let sysctls = nodeModel.sysctls.reversePathFilter
            findings.append(Finding(
                check: .strictRPFilterOnTunnel, severity: .warning,
                summary: "strict reverse-path filtering is in effect on tunnel \(link.name) (\(link.kind?.rawValue ?? "")): "
                    + "packets from other nodes' pods arriving on it are dropped when the route back does not use it",
                evidence: [.interface(interfaceEvidence(link, in: node)),
                           .sysctl(SysctlEvidence(namespace: node, key: "net.ipv4.conf.\(link.name).rp_filter",
                                                  value: "\(sysctls.interfaces[link.name] ?? 0)")),
                           .sysctl(SysctlEvidence(namespace: node, key: "net.ipv4.conf.all.rp_filter", value: "\(sysctls.all)"))],
                fix: "set net.ipv4.conf.\(link.name).rp_filter=2 (loose) and net.ipv4.conf.all.rp_filter to 0 or 2; "
                    + "the effective value is the larger of `all` and the interface's"))
        }
        return findings
    }

    /// `mtu_mismatch`: a pod interface with a larger MTU than the overlay tunnel (packets that fit the pod's
    /// link do not fit the tunnel), or than its own veth peer on the node.
    func mtuMismatches() -> [Finding] {
        guard let nodeModel else { return [] }
        let tunnels = nodeModel.routes.links.filter { DoctorContext.tunnelKinds.contains($0.kind?.rawValue ?? "") && $0.mtu != nil }
        let overlay = tunnels.min { ($0.mtu ?? 0) < ($1.mtu ?? 0) }
        var findings: [Finding] = []
        for (nodeIndex, peer) in nodeModel.peers.sorted(by: { $0.key < $1.key }) where pods.contains(peer.namespace) {
            guard let podLink = model.namespaces[peer.namespace]?.routes.link(index: peer.interfaceIndex),
                  let nodeLink = nodeModel.routes.link(index: nodeIndex), let podMTU = podLink.mtu else { continue }
            if let overlay, let overlayMTU = overlay.mtu, podMTU > overlayMTU {
                findings.append(Finding(
                    check: .mtuMismatch, severity: .warning,
                    summary: "\(podLabel(peer.namespace)) interface \(podLink.name) has MTU \(podMTU), larger than overlay "
                        + "\(overlay.name) (\(overlayMTU)): full-size packets to other nodes are dropped or fragmented",
                    evidence: [.interface(interfaceEvidence(podLink, in: peer.namespace)), .interface(interfaceEvidence(overlay, in: node))],
                    fix: "set the CNI's MTU to the overlay's (\(overlayMTU)) or lower and recreate the pods, or raise the underlay MTU"))
            } else if let nodeMTU = nodeLink.mtu, nodeMTU != podMTU {
                findings.append(Finding(
                    check: .mtuMismatch, severity: .warning,
                    summary: "\(podLabel(peer.namespace)) interface \(podLink.name) has MTU \(podMTU) but its node-side peer "
                        + "\(nodeLink.name) has \(nodeMTU): packets larger than the smaller one are dropped",
                    evidence: [.interface(interfaceEvidence(podLink, in: peer.namespace)), .interface(interfaceEvidence(nodeLink, in: node))],
                    fix: "give both ends of the veth the same MTU (the CNI's configured MTU) and recreate the pod"))
            }
        }
        return findings
    }

    func interfaceEvidence(_ link: Link, in namespace: String) -> InterfaceEvidence {
        InterfaceEvidence(namespace: namespace, name: link.name, mtu: link.mtu, kind: link.kind?.rawValue ?? "device")
    }
}
