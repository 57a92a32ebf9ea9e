import NFTables

/// The address of `-s`/`-d` as iptables-save prints it before the `/prefix`: the compared bytes, cut or
/// zero-padded to the address width (iptables-nft compares only the prefix's bytes of `-s 10.0.0.0/8`).
enum IptablesAddressText {
    static func text(_ value: ArraySlice<UInt8>, family: NFTFamily) -> String {
        let width = family == .ip6 ? 16 : 4
        if width == 4 {
            // Dotted quad without an intermediate array: this runs for most rules of a kube-proxy ruleset.
            var text = ""
            for index in 0..<4 {
                if index > 0 { text += "." }
                let position = value.startIndex + index
                text += String(position < value.endIndex ? value[position] : 0)
            }
            return text
        }
        let padded = Array(value.prefix(width)) + [UInt8](repeating: 0, count: max(0, width - value.count))
        return DataType.ipv6Address.format(padded)
    }
}
