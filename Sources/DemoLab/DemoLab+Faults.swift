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
