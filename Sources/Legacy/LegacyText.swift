import NetCore

/// The text forms iptables-legacy-save (1.8.9) prints for the standard match part.
enum LegacyText {
    /// `-s`/`-d`: nothing for an unset address; otherwise `ADDR/LEN` (also `/32` and `/128`: the legacy
    /// tools always print the length), or `ADDR/MASK` for a non-contiguous mask.
    static func address(_ address: IPAddress, mask: IPAddress, inverted: Bool, flag: String) -> [String] {
        let unset = address == .unspecified(address.family) && mask == .unspecified(mask.family)
        if unset && !inverted { return [] }
        let suffix = prefixLength(ofMask: mask).map(String.init) ?? numeric(mask)
        return (inverted ? ["!"] : []) + [flag, "\(numeric(address))/\(suffix)"]
    }

    /// `-i`/`-o`: the name bytes under the mask, then `+` when the mask stops one byte after the last
    /// character (libxtables' `save_iface`).
    static func interface(_ name: String, mask: [UInt8], inverted: Bool, flag: String) -> [String] {
        guard let first = mask.first, first != 0 else { return [] }
        let bytes = Array(name.utf8)
        var text: [UInt8] = []
        for index in 0..<mask.count {
            let character = index < bytes.count ? bytes[index] : 0
            if mask[index] != 0 {
                if character != 0 { text.append(character) }
            } else {
                if index > 0, index - 1 < bytes.count { text.append(UInt8(ascii: "+")) }
                break
            }
        }
        return (inverted ? ["!"] : []) + [flag, String(decoding: text, as: UTF8.self)]
    }

    /// `-p`: nothing for 0, the name from netbase's `/etc/protocols` for the numbers it lists (what
    /// iptables gets from `getprotobynumber`), else the number.
    static func proto(_ number: UInt16, inverted: Bool) -> [String] {
        guard number != 0 else { return [] }
        let name = protocolNames[number] ?? String(number)
        return (inverted ? ["!"] : []) + ["-p", name]
    }

    /// Protocol names as Debian's netbase `/etc/protocols` lists them. A fixed table rather than the host
    /// file: the output must not depend on the machine nfscope runs on.
    static let protocolNames: [UInt16: String] = [
        1: "icmp", 2: "igmp", 3: "ggp", 4: "ipencap", 5: "st", 6: "tcp", 8: "egp", 9: "igp", 12: "pup",
        17: "udp", 20: "hmp", 22: "xns-idp", 27: "rdp", 29: "iso-tp4", 33: "dccp", 36: "xtp", 37: "ddp",
        38: "idpr-cmtp", 41: "ipv6", 43: "ipv6-route", 44: "ipv6-frag", 45: "idrp", 46: "rsvp", 47: "gre",
        50: "esp", 51: "ah", 57: "skip", 58: "ipv6-icmp", 59: "ipv6-nonxt", 60: "ipv6-opts", 73: "rspf",
        81: "vmtp", 88: "eigrp", 89: "ospf", 93: "ax.25", 94: "ipip", 97: "etherip", 98: "encap", 103: "pim",
        108: "ipcomp", 112: "vrrp", 115: "l2tp", 124: "isis", 132: "sctp", 133: "fc", 135: "mobility-header",
        136: "udplite", 137: "mpls-in-ip", 138: "manet", 139: "hip", 140: "shim6", 141: "wesp", 142: "rohc",
        143: "ethernet", 262: "mptcp",
    ]

    /// The number of leading one bits of a contiguous mask, else nil.
    static func prefixLength(ofMask mask: IPAddress) -> Int? {
        switch mask {
        case .v4(let value):
            let ones = (~value).leadingZeroBitCount
            return ones == 32 || value << ones == 0 ? ones : nil
        case .v6(let high, let low):
            let highOnes = (~high).leadingZeroBitCount
            if highOnes < 64 { return low == 0 && high << highOnes == 0 ? highOnes : nil }
            let lowOnes = (~low).leadingZeroBitCount
            return lowOnes == 64 || low << lowOnes == 0 ? 64 + lowOnes : nil
        }
    }

    /// An address as glibc's `inet_ntop` writes it: RFC 5952 for IPv6, plus the dotted tail glibc keeps for
    /// IPv4-compatible (`::1.2.3.4`) and IPv4-mapped (`::ffff:1.2.3.4`) addresses.
    static func numeric(_ address: IPAddress) -> String {
        guard case .v6(let high, let low) = address, high == 0 else { return address.description }
        let word5 = UInt16(truncatingIfNeeded: low >> 32), word6 = UInt16(truncatingIfNeeded: low >> 16)
        let tail = IPAddress.v4(UInt32(truncatingIfNeeded: low)).description
        if word5 == 0, word6 != 0 { return "::" + tail }
        if word5 == 0xffff { return "::ffff:" + tail }
        return address.description
    }
}
