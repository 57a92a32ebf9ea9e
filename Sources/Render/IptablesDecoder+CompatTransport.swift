import NFTables

/// `-m tcp` / `-m udp` kept as x_tables blobs (`struct xt_tcp`, `struct xt_udp`, revision 0), which
/// iptables-nft writes when `-m tcp` carries no option it can express natively (kube-proxy's
/// `-m tcp -p tcp -j DNAT`). A stop-gap until the Xtables module decodes them: only the all-defaults blob
/// is rendered here (as a bare `-m tcp`); anything else stays with the Xtables raw rendering.
enum CompatTransport {
    /// `["-m", "tcp"]` when the blob matches every port and no flags.
    static func arguments(_ compat: CompatExtension) -> [String]? {
        guard compat.revision == 0, compat.name == "tcp" || compat.name == "udp", compat.info.count >= 10 else { return nil }
        let info = compat.info
        func u16(_ offset: Int) -> UInt16 { UInt16(info[offset]) | UInt16(info[offset + 1]) << 8 }
        let allPorts = u16(0) == 0 && u16(2) == 0xffff && u16(4) == 0 && u16(6) == 0xffff
        let noFlags = compat.name == "udp" ? info[8] == 0 : info[8] == 0 && info[9] == 0 && (info.count < 12 || info[10] == 0 && info[11] == 0)
        return allPorts && noFlags ? ["-m", compat.name] : nil
    }
}
