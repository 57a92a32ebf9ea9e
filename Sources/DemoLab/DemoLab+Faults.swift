extension DemoLab {
    /// Applies one fault on top of the built lab.
    public func apply(_ fault: DemoFault) throws(DemoLabError) {
        let load = DemoFaultRules.load(for: fault)
        let target = load.namespace == .node ? nodeNamespace : namespace(of: DemoTopology.client)
        let command = load.backend == .nftables ? ["nft", "-f", "-"] : ["iptables-nft-restore", "--noflush"]
        try step("apply fault \(fault.rawValue)") { () throws(DemoLabError) in
            try LabCommand.run(in: target, command, input: load.text)
        }
    }

    /// The text a fault loads (`iptables-nft-restore --noflush` input or an `nft -f` ruleset), for tests and docs.
    public static func rules(for fault: DemoFault) -> String { DemoFaultRules.load(for: fault).text }
}

extension DemoLab {
    /// Turns br_netfilter's `bridge-nf-call-iptables` off (or back on) in the node namespace. Off, replies from
    /// a same-node backend are bridged without meeting conntrack, so they are never un-DNATed and the client
    /// drops them: pod → ClusterIP times out on EVERY port while node → ClusterIP works. It is therefore not
    /// in the ``DemoFault`` catalogue (whose faults spare port 9090), but doctor checks it.
    public func setBridgeNetfilter(enabled: Bool) throws(DemoLabError) {
        try step("bridge-nf-call-iptables=\(enabled ? 1 : 0)") { () throws(DemoLabError) in
            try LabCommand.run(in: nodeNamespace, ["sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=\(enabled ? 1 : 0)"])
        }
    }
}
