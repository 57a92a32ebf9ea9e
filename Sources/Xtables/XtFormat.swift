import NetCore

/// Text forms exactly as libxtables prints them in `iptables-save`, so that renderings diff cleanly.
enum XtFormat {
    /// `xtables_save_string`: bare when the value is non-empty and only `[A-Za-z0-9_-]`; otherwise wrapped in
    /// double quotes with `"`, `\` and `'` escaped by a backslash.
    static func quoted(_ value: String) -> String {
        let bare = !value.isEmpty && value.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
                || byte == 0x5f || byte == 0x2d
        }
        if bare { return value }
        var out = "\""
        for character in value {
            if character == "\"" || character == "\\" || character == "'" { out.append("\\") }
            out.append(character)
        }
        out.append("\"")
        return out
    }

    /// `0x%x`.
    static func hex<T: BinaryInteger>(_ value: T) -> String { "0x" + String(value, radix: 16) }

    /// `xtables_print_mark_mask`: `0x10` when the mask is all ones, else `0x10/0xff`.
    static func markMask(_ mark: UInt32, _ mask: UInt32) -> String {
        mask == .max ? hex(mark) : "\(hex(mark))/\(hex(mask))"
    }

    /// An address as glibc's `inet_ntop` writes it (what `xtables_ipaddr_to_numeric` and
    /// `xtables_ip6addr_to_numeric` print): RFC 5952 compression, plus the dotted tail glibc uses for
    /// IPv4-compatible (`::1.2.3.4`) and IPv4-mapped (`::ffff:1.2.3.4`) addresses.
    static func address(_ address: IPAddress) -> String {
        guard case .v6(let high, let low) = address, high == 0 else { return address.description }
        let word5 = UInt16(truncatingIfNeeded: low >> 32), word6 = UInt16(truncatingIfNeeded: low >> 16)
        let tail = IPAddress.v4(UInt32(truncatingIfNeeded: low)).description
        if word5 == 0, word6 != 0 { return "::" + tail }
        if word5 == 0xffff { return "::ffff:" + tail }
        return address.description
    }

    /// The number of leading one bits when the mask is contiguous, else nil
    /// (`xtables_ipmask_to_cidr` / `xtables_ip6mask_to_cidr`).
    static func prefixLength(ofMask mask: IPAddress) -> Int? {
        switch mask {
        case .v4(let value):
            let ones = (~value).leadingZeroBitCount
            return value << ones == 0 ? ones : nil
        case .v6(let high, let low):
            let highOnes = (~high).leadingZeroBitCount
            if highOnes < 64 { return low == 0 && high << highOnes == 0 ? highOnes : nil }
            let lowOnes = (~low).leadingZeroBitCount
            return low << lowOnes == 0 ? 64 + lowOnes : nil
        }
    }

    /// `xtables_ipmask_to_numeric` / `xtables_ip6mask_to_numeric`: empty for a host mask, `/24` for a
    /// contiguous one, `/255.0.255.0` for any other.
    static func maskSuffix(_ mask: IPAddress) -> String {
        guard let length = prefixLength(ofMask: mask) else { return "/" + address(mask) }
        return length == mask.family.bitWidth ? "" : "/\(length)"
    }

    /// `printf("%.11f", n / 2^31)` computed exactly: the value is a dyadic fraction, so scaling by 10^11 is
    /// `n * 5^11 / 2^20`, rounded half to even as glibc does for exact ties.
    static func fixed11(fractionOf2p31 numerator: UInt32) -> String {
        let scaled = UInt64(numerator) * 48_828_125          // 5^11; < 2^58
        var quotient = scaled >> 20
        let remainder = scaled & 0xFFFFF, half: UInt64 = 0x80000
        if remainder > half || (remainder == half && quotient & 1 == 1) { quotient += 1 }
        let unit: UInt64 = 100_000_000_000
        let fraction = String(quotient % unit)
        return "\(quotient / unit)." + String(repeating: "0", count: 11 - fraction.count) + fraction
    }
}
