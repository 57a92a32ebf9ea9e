import NetCore

/// The `sctp` match: ports and chunk types of SCTP packets (kube-proxy writes `-p sctp -m sctp --dport` for
/// SCTP services, which iptables-nft keeps as xt, unlike tcp and udp).
///
/// Mirrors `struct xt_sctp_info` (linux/netfilter/xt_sctp.h), 292 bytes: `__u16 dpts[2], spts[2];
/// __u32 chunkmap[64]; __u32 chunk_match_type; struct xt_sctp_flag_info flag_info[4]; int flag_count;
/// __u32 flags, invflags;` (destination ports come first).
public struct XtSCTP: Hashable, Sendable {
    /// A chunk flag condition (`DATA:Be`): the chunk type, the flag values and which flags are compared.
    public struct FlagCondition: Hashable, Sendable {
        /// The chunk type.
        public var chunkType: UInt8
        /// The flag values.
        public var flags: UInt8
        /// The flags compared.
        public var mask: UInt8
    }

    /// The source port range (`--sport`), if matched.
    public var sourcePorts: XtPortRange?
    /// The destination port range (`--dport`), if matched.
    public var destinationPorts: XtPortRange?
    /// The chunk types present in the bitmap (`--chunk-types`), if matched.
    public var chunkTypes: [UInt8]?
    /// Whether all 2048 bits of the kernel's chunk bitmap are set (iptables prints `ALL`).
    public var allChunks: Bool
    /// `SCTP_CHUNK_MATCH_*`: any 1, all 2, only 4.
    public var chunkMatchType: UInt32
    /// Flag conditions, at most 4.
    public var flagConditions: [FlagCondition]
    /// `XT_SCTP_*` bits negated with `!`: source ports 1, destination ports 2, chunk types 4.
    public var inversions: UInt32

    static func decode(_ blob: XtBlob) throws(DecodeError) -> XtSCTP {
        try blob.require(292, "xt_sctp_info")
        let flags = try blob.u32(284)
        var words: [UInt32] = []
        for index in 0..<64 { words.append(try blob.u32(8 + 4 * index)) }
        var types: [UInt8] = []
        for type in 0..<256 where words[type / 32] & (UInt32(1) << UInt32(type % 32)) != 0 {
            types.append(UInt8(type))
        }
        let count = try blob.i32(280)
        guard (0...4).contains(count) else { throw blob.error(280, "flag count \(count) outside 0...4") }
        var conditions: [FlagCondition] = []
        for index in 0..<Int(count) {
            conditions.append(FlagCondition(chunkType: try blob.u8(268 + 3 * index), flags: try blob.u8(269 + 3 * index),
                                            mask: try blob.u8(270 + 3 * index)))
        }
        return XtSCTP(
            sourcePorts: flags & 1 != 0 ? XtPortRange(low: try blob.u16(4), high: try blob.u16(6)) : nil,
            destinationPorts: flags & 2 != 0 ? XtPortRange(low: try blob.u16(0), high: try blob.u16(2)) : nil,
            chunkTypes: flags & 4 != 0 ? types : nil, allChunks: words.allSatisfy { $0 == .max },
            chunkMatchType: try blob.u32(264), flagConditions: conditions, inversions: try blob.u32(288))
    }

    /// libxt_sctp's chunk table: name and the flag letters, most significant bit first.
    static let chunkNames: [(UInt8, String, String)] = [
        (0, "DATA", "----IUBE"), (1, "INIT", "--------"), (2, "INIT_ACK", "--------"), (3, "SACK", "--------"),
        (4, "HEARTBEAT", "--------"), (5, "HEARTBEAT_ACK", "--------"), (6, "ABORT", "-------T"),
        (7, "SHUTDOWN", "--------"), (8, "SHUTDOWN_ACK", "--------"), (9, "ERROR", "--------"),
        (10, "COOKIE_ECHO", "--------"), (11, "COOKIE_ACK", "--------"), (12, "ECN_ECNE", "--------"),
        (13, "ECN_CWR", "--------"), (14, "SHUTDOWN_COMPLETE", "-------T"), (64, "I_DATA", "----IUBE"),
        (130, "RE_CONFIG", "--------"), (132, "PAD", "--------"), (193, "ASCONF", "--------"),
        (128, "ASCONF_ACK", "--------"), (192, "FORWARD_TSN", "--------"), (194, "I_FORWARD_TSN", "--------"),
    ]

    /// libxt_sctp `sctp_save`.
    var arguments: [String] {
        var out: [String] = []
        if let sourcePorts { out += XtPorts.text("--sport", sourcePorts, inversions & 1 != 0) }
        if let destinationPorts { out += XtPorts.text("--dport", destinationPorts, inversions & 2 != 0) }
        if let chunkTypes {
            out += (inversions & 4 != 0 ? ["!"] : []) + ["--chunk-types"]
            switch chunkMatchType {
            case 1: out.append("any")
            case 2: out.append("all")
            case 4: out.append("only")
            default: out.append("Never reach here\n")
            }
            if chunkTypes.isEmpty {
                out.append("NONE")
            } else if allChunks {
                out.append("ALL")
            } else {
                out.append(chunkTypes.map(chunkText).joined(separator: ","))
            }
        }
        return out
    }

    /// `print_chunk` (an unknown type prints nothing) then `print_chunk_flags`, which indexes the name table
    /// by the chunk *number*, as iptables does (only DATA, ABORT and SHUTDOWN_COMPLETE carry flags).
    private func chunkText(_ type: UInt8) -> String {
        var text = Self.chunkNames.first { $0.0 == type }?.1 ?? ""
        for condition in flagConditions where condition.chunkType == type {
            if condition.mask != 0 { text += ":" }
            guard Int(type) < Self.chunkNames.count else { continue }
            let letters = Array(Self.chunkNames[Int(type)].2)
            for bit in stride(from: 7, through: 0, by: -1) where condition.mask & (1 << bit) != 0 {
                let letter = letters[7 - bit]
                text += condition.flags & (1 << bit) != 0 ? String(letter) : letter.lowercased()
            }
        }
        return text
    }
}

extension XtPorts {
    /// `--sport 80` or `--sport 80:90` whatever the range (sctp prints the full range too).
    static func text(_ option: String, _ ports: XtPortRange, _ inverted: Bool) -> [String] {
        (inverted ? ["!"] : []) + [option, ports.low == ports.high ? "\(ports.low)" : "\(ports.low):\(ports.high)"]
    }
}
