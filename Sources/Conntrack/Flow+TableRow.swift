/// The aligned text table `nfscope conntrack list` prints: one flow per line, NAT at a glance.
///
/// Columns have fixed widths so rows can be printed while the dump streams; a wider value (an IPv6
/// endpoint) pushes the rest of its row right rather than holding back output.
public enum FlowTable {
    static let widths = [7, 12, 46, 46]

    /// The header line.
    public static var header: String {
        line(["PROTO", "STATE", "ORIGINAL (SRC → DST)", "NAT / REPLY"], tail: "FLAGS")
    }

    /// One flow as a table row.
    public static func row(_ flow: Flow) -> String {
        let state = flow.protocolState?.name ?? "-"
        let original = "\(Endpoint(address: flow.original.source, port: flow.original.sourcePort)) → "
            + "\(Endpoint(address: flow.original.destination, port: flow.original.destinationPort))"
            + icmpSuffix(flow.original)
        return line([flow.l4Protocol.name, state, original, natColumn(flow)], tail: flags(flow))
    }

    /// `DNAT → 10.42.0.152:9090` (and/or `SNAT → …`), or the reply tuple when it is not a plain mirror.
    static func natColumn(_ flow: Flow) -> String {
        let translations = flow.natTranslations
        if !translations.isEmpty {
            return translations.map { "\($0.kind.rawValue) → \($0.after)" }.joined(separator: ", ")
        }
        let mirrored = flow.reply.source == flow.original.destination && flow.reply.destination == flow.original.source
            && flow.reply.sourcePort == flow.original.destinationPort
            && flow.reply.destinationPort == flow.original.sourcePort
        if mirrored { return "-" }
        return "reply \(Endpoint(address: flow.reply.source, port: flow.reply.sourcePort)) → "
            + "\(Endpoint(address: flow.reply.destination, port: flow.reply.destinationPort))"
    }

    static func flags(_ flow: Flow) -> String {
        var parts: [String] = []
        if !flow.sawReply { parts.append("[UNREPLIED]") }
        if flow.status.contains(.assured) { parts.append("[ASSURED]") }
        if flow.status.contains(.offload) { parts.append("[OFFLOAD]") }
        if let mark = flow.mark, mark != 0 { parts.append("mark=\(mark)") }
        if let zone = flow.zone {
            parts.append(zone.direction == .both ? "zone=\(zone.id)" : "zone-\(zone.direction.rawValue)=\(zone.id)")
        }
        if let timeout = flow.timeout { parts.append("timeout=\(timeout)") }
        if let helper = flow.helper { parts.append("helper=\(helper)") }
        return parts.joined(separator: " ")
    }

    static func icmpSuffix(_ tuple: Tuple) -> String {
        guard case .icmp(_, let type, let code, let id) = tuple.l4 else { return "" }
        return " type=\(type) code=\(code) id=\(id)"
    }

    static func line(_ cells: [String], tail: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(192)
        for (cell, width) in zip(cells, widths) {
            var cell = cell
            // Columns are counted in scalars (every character in a row is one column wide): the UTF-8
            // bytes that do not continue a scalar.
            var columns = 0
            cell.withUTF8 { utf8 in
                bytes.append(contentsOf: utf8)
                for byte in utf8 where byte & 0xc0 != 0x80 { columns &+= 1 }
            }
            for _ in 0..<max(1, width - columns + 1) { bytes.append(UInt8(ascii: " ")) }
        }
        bytes.append(contentsOf: tail.utf8)
        return String(decoding: bytes, as: UTF8.self)
    }
}
