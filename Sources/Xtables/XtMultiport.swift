import NetCore

/// The `multiport` match: up to 15 ports or port ranges (`--dports 80,443,8000:8080`).
///
/// Mirrors `struct xt_multiport` (revision 0, 32 bytes: `__u8 flags, count; __u16 ports[15]`) and
/// `struct xt_multiport_v1` (revision 1, 48 bytes: the same plus `__u8 pflags[15]` marking range starts and
/// `__u8 invert`) from linux/netfilter/xt_multiport.h. Ports are in host order.
public struct XtMultiport: Hashable, Sendable {
    /// Which side the ports apply to (`XT_MULTIPORT_*`).
    public enum Direction: Hashable, Sendable {
        /// `XT_MULTIPORT_SOURCE`: `--sports`.
        case source
        /// `XT_MULTIPORT_DESTINATION`: `--dports`.
        case destination
        /// `XT_MULTIPORT_EITHER`: `--ports`.
        case either
        /// A value iptables does not know; it prints no option name.
        case unknown(UInt8)
    }

    /// One entry: a port, or a range when `last` is set (revision 1).
    public struct Entry: Hashable, Sendable {
        /// The port, or the first of a range.
        public var first: UInt16
        /// The last port of a range (revision 1).
        public var last: UInt16?
        /// Creates a value from its fields.
        public init(first: UInt16, last: UInt16? = nil) {
            self.first = first
            self.last = last
        }
    }

    /// Which ports are compared.
    public var direction: Direction
    /// The ports and ranges, at most 15 slots.
    public var entries: [Entry]
    /// Negated with `!` (revision 1).
    public var inverted: Bool

    /// Creates a value from its fields.
    public init(direction: Direction, entries: [Entry], inverted: Bool) {
        self.direction = direction
        self.entries = entries
        self.inverted = inverted
    }

    static func decode(_ blob: XtBlob, revision: UInt8) throws(DecodeError) -> XtMultiport? {
        guard revision <= 1 else { return nil }
        try blob.require(revision == 0 ? 32 : 48, revision == 0 ? "xt_multiport" : "xt_multiport_v1")
        let rawDirection = try blob.u8(0), count = Int(try blob.u8(1))
        // The kernel's checkentry refuses more than XT_MULTI_PORTS; iptables would read past the array.
        guard count <= 15 else { throw blob.error(1, "port count \(count) exceeds 15") }
        let direction: Direction = switch rawDirection {
        case 0: .source
        case 1: .destination
        case 2: .either
        default: .unknown(rawDirection)
        }
        var entries: [Entry] = []
        var index = 0
        while index < count {
            let port = try blob.u16(2 + 2 * index)
            // A range flag on the last slot would make iptables read ports[count]; stop at the array end.
            if revision == 1, try blob.u8(32 + index) != 0, index + 1 < 15 {
                entries.append(Entry(first: port, last: try blob.u16(2 + 2 * (index + 1))))
                index += 2
            } else {
                entries.append(Entry(first: port))
                index += 1
            }
        }
        return XtMultiport(direction: direction, entries: entries,
                           inverted: revision == 1 ? try blob.u8(47) != 0 : false)
    }

    /// libxt_multiport `__multiport_save` / `__multiport_save_v1` (ports numeric).
    var arguments: [String] {
        var out: [String] = inverted ? ["!"] : []
        switch direction {
        case .source: out.append("--sports")
        case .destination: out.append("--dports")
        case .either: out.append("--ports")
        case .unknown: break
        }
        out.append(entries.map { entry in entry.last.map { "\(entry.first):\($0)" } ?? "\(entry.first)" }
            .joined(separator: ","))
        return out
    }
}
