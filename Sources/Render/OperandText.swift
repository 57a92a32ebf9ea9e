import NFTables

/// nft text for operands and constants.
enum OperandText {
    static func text(_ operand: Operand, family: NFTFamily) -> String {
        switch operand {
        case .field(let field, _): return field.text
        case .masked(let inner, let mask, let xor): return maskedText(inner, mask: mask, xor: xor, family: family)
        case .immediate(let bytes): return "0x" + hex(hostOrder(bytes), width: bytes.count * 2)
        case .concat(let parts): return parts.map { text($0, family: family) }.joined(separator: " . ")
        case .generator(let text, _, _): return text
        case .mapped(let key, let set): return "\(text(key, family: family)) map @\(set)"
        }
    }

    static func maskedText(_ inner: Operand, mask: [UInt8], xor: [UInt8], family: NFTFamily) -> String {
        let type = inner.type
        let base = text(inner, family: family)
        let xorZero = xor.allSatisfy { $0 == 0 }
        let orBits = zip(mask, xor).allSatisfy { $0 & $1 == 0 && ($0 | $1) == 0xff }
        if orBits, !xorZero { return "\(base) | \(constant(xor, type: type))" }
        if mask.allSatisfy({ $0 == 0xff }), !xorZero { return "\(base) ^ \(constant(xor, type: type))" }
        if xorZero { return "\(base) & \(constant(mask, type: type))" }
        return "\(base) & \(constant(mask, type: type)) ^ \(constant(xor, type: type))"
    }

    /// A constant in the operand's type; integers wider than 8 bytes and unknown types print as hex.
    static func constant(_ bytes: [UInt8], type: DataType) -> String {
        type.format(bytes)
    }

    /// A constant compared with `operand`, trimmed or padded to the operand's loaded length.
    static func value(_ bytes: [UInt8], for operand: Operand) -> String {
        switch operand {
        case .concat(let parts):
            var offset = 0
            var texts: [String] = []
            for part in parts {
                let length = partLength(part)
                let end = min(bytes.count, offset + length)
                texts.append(value(offset < end ? Array(bytes[offset..<end]) : [], for: part))
                offset += (length + 3) & ~3
            }
            return texts.joined(separator: " . ")
        case .field(let field, let loaded) where min(loaded, bytes.count) < field.length && field.type != .ifname:
            // A shorter load (iptables) or a shorter comparison (nft on `ct original ip saddr`) is a prefix.
            let used = min(loaded, bytes.count)
            let padded = Array(bytes.prefix(used)) + [UInt8](repeating: 0, count: field.length - used)
            if field.type == .ipv4Address || field.type == .ipv6Address {
                return "\(field.type.format(padded))/\(used * 8)"
            }
            return field.type.format(padded)
        default:
            let type = operand.type
            if let length = type.fixedLength, bytes.count > length, type != .ifname {
                return type.format(Array(bytes.prefix(length)))
            }
            return type.format(bytes)
        }
    }

    static func partLength(_ operand: Operand) -> Int {
        switch operand {
        case .field(_, let loaded): return loaded
        case .masked(let inner, _, _): return partLength(inner)
        case .generator(_, _, let length): return length
        case .immediate(let bytes): return bytes.count
        default: return 4
        }
    }

    /// The prefix length when `mask` is contiguous ones from the first bit.
    static func prefixLength(_ mask: some Sequence<UInt8>) -> Int? {
        var bits = 0
        var ended = false
        for byte in mask {
            for bit in (0..<8).reversed() {
                if byte & (1 << bit) != 0 {
                    if ended { return nil }
                    bits += 1
                } else {
                    ended = true
                }
            }
        }
        return bits
    }
}
