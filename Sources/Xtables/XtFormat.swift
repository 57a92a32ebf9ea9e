import NetCore

/// Text forms exactly as libxtables prints them in `iptables-save`, so that renderings diff cleanly.
enum XtFormat {
    /// `xtables_save_string`: bare when the value is non-empty and only `[A-Za-z0-9_-]`; otherwise wrapped in
    /// double quotes with `"`, `\` and `'` escaped by a backslash.
    static func quoted(_ value: String) -> String {
        let utf8 = value.utf8
        // Byte-wise: the quoted and escaped characters are all ASCII, so no grapheme walking is needed.
        if !utf8.isEmpty, utf8.allSatisfy(isBare) { return value }
        var out: [UInt8] = [0x22]
        out.reserveCapacity(utf8.count + 8)
        for byte in utf8 {
            if byte == 0x22 || byte == 0x5C || byte == 0x27 { out.append(0x5C) }
            out.append(byte)
        }
        out.append(0x22)
        return String(decoding: out, as: UTF8.self)
    }

    /// `[A-Za-z0-9_-]`, the characters `xtables_save_string` leaves unquoted.
    private static func isBare(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == 0x5F || byte == 0x2D
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
        if case .v4(let value) = address { return dottedQuad(value) }
        guard case .v6(let high, let low) = address, high == 0 else { return address.description }
        let word5 = UInt16(truncatingIfNeeded: low >> 32), word6 = UInt16(truncatingIfNeeded: low >> 16)
        let tail = dottedQuad(UInt32(truncatingIfNeeded: low))
        if word5 == 0, word6 != 0 { return "::" + tail }
        if word5 == 0xffff { return "::ffff:" + tail }
        return address.description
    }

    /// `%u.%u.%u.%u`, written byte by byte (this runs once per address of every rendered rule).
    static func dottedQuad(_ value: UInt32) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(15)
        for shift in stride(from: 24, through: 0, by: -8) {
            let octet = UInt8(truncatingIfNeeded: value >> UInt32(shift))
            if shift != 24 { out.append(0x2E) }
            if octet >= 100 { out.append(0x30 + octet / 100) }
            if octet >= 10 { out.append(0x30 + octet / 10 % 10) }
            out.append(0x30 + octet % 10)
        }
        return String(decoding: out, as: UTF8.self)
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
        var digits: [UInt8] = []
        digits.reserveCapacity(14)
        var rest = quotient
        for position in 0..<12 {
            if position == 11 { digits.append(0x2E) }
            digits.append(0x30 + UInt8(rest % 10))
            rest /= 10
        }
        while rest > 0 {
            digits.append(0x30 + UInt8(rest % 10))
            rest /= 10
        }
        return String(decoding: digits.reversed(), as: UTF8.self)
    }
}
