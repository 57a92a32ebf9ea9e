import NetCore

/// The `string` match: a byte pattern searched in the packet. Mirrors `struct xt_string_info`
/// (linux/netfilter/xt_string.h), 150 bytes used: `__u16 from_offset, to_offset; char algo[16];
/// char pattern[128]; __u8 patlen;` then `invert` (revision 0) or `flags` (revision 1: invert 1, icase 2).
public struct XtString: Hashable, Sendable {
    /// The pattern bytes (`patlen` of them).
    public var pattern: [UInt8]
    /// The search algorithm (`bm` or `kmp`).
    public var algorithm: String
    /// The first offset searched (`--from`).
    public var from: UInt16
    /// The last offset searched (`--to`, 65535 for the end).
    public var to: UInt16
    /// Negated with `!`.
    public var inverted: Bool
    /// `--icase` (revision 1).
    public var ignoreCase: Bool

    static func decode(_ blob: XtBlob, revision: UInt8) throws(DecodeError) -> XtString? {
        guard revision <= 1 else { return nil }
        try blob.require(150, "xt_string_info")
        let length = Int(try blob.u8(148))
        guard length <= 128 else { throw blob.error(148, "pattern length \(length) exceeds 128") }
        let flags = try blob.u8(149)
        return XtString(pattern: try blob.slice(20, length), algorithm: try blob.string(4, 16), from: try blob.u16(0),
                        to: try blob.u16(2), inverted: revision == 0 ? flags != 0 : flags & 1 != 0,
                        ignoreCase: revision == 1 && flags & 2 != 0)
    }

    /// libxt_string `string_save`: printable patterns in quotes with `"` and `\` escaped, others (or one ending
    /// in a backslash) as `"|hex|"`.
    var arguments: [String] {
        let printable = pattern.allSatisfy { $0 >= 0x20 && $0 < 0x7F } && pattern.last != 0x5C
        var out: [String] = inverted ? ["!"] : []
        if printable {
            var text: [UInt8] = [0x22]
            for byte in pattern {
                if byte == 0x22 || byte == 0x5C { text.append(0x5C) }
                text.append(byte)
            }
            text.append(0x22)
            out += ["--string", String(decoding: text, as: UTF8.self)]
        } else {
            out += ["--hex-string", "\"|" + pattern.map { XtFormat.hex02($0, prefix: "") }.joined() + "|\""]
        }
        out += ["--algo", algorithm]
        if from != 0 { out += ["--from", String(from)] }
        if to != .max { out += ["--to", String(to)] }
        if ignoreCase { out.append("--icase") }
        return out
    }
}
