/// Parsing and printing addresses in their usual text forms (dotted quad, RFC 5952 for IPv6).
extension IPAddress: CustomStringConvertible, LosslessStringConvertible, CodableAsText {
    public init?(_ text: String) {
        if text.contains(":") {
            guard let value = IPAddress.parseV6(Substring(text)) else { return nil }
            self = value
        } else {
            guard let value = IPAddress.parseV4(Substring(text)) else { return nil }
            self = .v4(value)
        }
    }

    public var description: String {
        switch self {
        case .v4(let value):
            return (0..<4).map { String((value >> (24 - 8 * $0)) & 0xff) }.joined(separator: ".")
        case .v6(let high, let low):
            return IPAddress.formatV6(high: high, low: low)
        }
    }


    static func parseV4(_ text: Substring) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            // Digits only (Swift's integer parsing would take "+1"), and no leading zero: inet_pton refuses
            // "01" because other parsers read it as octal.
            guard !part.isEmpty, part.count <= 3, part.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
                  part.count == 1 || part.first != "0",
                  let octet = UInt8(part) else { return nil }
            value = value << 8 | UInt32(octet)
        }
        return value
    }

    static func parseV6(_ text: Substring) -> IPAddress? {
        var groups: [UInt16] = []
        var tailGroups: [UInt16] = []
        var sawGap = false
        let halves = IPAddress.splitAtDoubleColon(String(text))
        guard halves.count <= 2 else { return nil }
        func parseGroups(_ part: String, into list: inout [UInt16], allowV4Tail: Bool) -> Bool {
            guard !part.isEmpty else { return true }
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if allowV4Tail, index == pieces.count - 1, piece.contains(".") {
                    guard let v4 = parseV4(piece) else { return false }
                    list.append(UInt16(v4 >> 16)); list.append(UInt16(v4 & 0xffff))
                    continue
                }
                guard (1...4).contains(piece.count), piece.allSatisfy(\.isHexDigit), piece.allSatisfy(\.isASCII),
                      let group = UInt16(piece, radix: 16) else { return false }
                list.append(group)
            }
            return true
        }
        if halves.count == 2 {
            sawGap = true
            guard parseGroups(halves[0], into: &groups, allowV4Tail: false),
                  parseGroups(halves[1], into: &tailGroups, allowV4Tail: true) else { return nil }
        } else {
            guard parseGroups(halves[0], into: &groups, allowV4Tail: true) else { return nil }
        }
        let total = groups.count + tailGroups.count
        guard sawGap ? total < 8 : total == 8 else { return nil }
        let all = groups + Array(repeating: 0, count: 8 - total) + tailGroups
        let high = all[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        let low = all[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        return .v6(high: high, low: low)
    }

    /// Splits at every "::" (more than one is an error the caller reports).
    static func splitAtDoubleColon(_ text: String) -> [String] {
        var parts: [String] = [], current = "", previousWasColon = false
        for character in text {
            if character == ":" && previousWasColon {
                current.removeLast()
                parts.append(current)
                current = ""
                previousWasColon = false
                continue
            }
            previousWasColon = character == ":"
            current.append(character)
        }
        parts.append(current)
        return parts
    }

    static func formatV6(high: UInt64, low: UInt64) -> String {
        let groups: [UInt16] = (0..<4).map { UInt16(truncatingIfNeeded: high >> (48 - 16 * $0)) }
            + (0..<4).map { UInt16(truncatingIfNeeded: low >> (48 - 16 * $0)) }
        // RFC 5952: compress the longest run (of two or more) of zero groups, the first one on a tie.
        var bestStart = -1, bestLength = 0, runStart = -1
        for index in 0...8 {
            if index < 8, groups[index] == 0 {
                if runStart < 0 { runStart = index }
            } else if runStart >= 0 {
                if index - runStart > bestLength { bestStart = runStart; bestLength = index - runStart }
                runStart = -1
            }
        }
        // RFC 5952 section 5: IPv4-mapped addresses (::ffff:0:0/96) keep the dotted quad, as inet_ntop prints them.
        if high == 0, low >> 32 == 0xffff {
            return "::ffff:" + IPAddress.v4(UInt32(truncatingIfNeeded: low)).description
        }
        if bestLength < 2 { return groups.map { String($0, radix: 16) }.joined(separator: ":") }
        let head = groups[..<bestStart].map { String($0, radix: 16) }.joined(separator: ":")
        let tail = groups[(bestStart + bestLength)...].map { String($0, radix: 16) }.joined(separator: ":")
        return head + "::" + tail
    }
}
