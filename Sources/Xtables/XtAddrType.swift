import NetCore

/// The `addrtype` match: the route type of the source or destination address (`--dst-type LOCAL`).
///
/// Mirrors `struct xt_addrtype_info` (revision 0, 12 bytes: `__u16 source, dest; __u32 invert_source,
/// invert_dest`) and `struct xt_addrtype_info_v1` (revision 1, 8 bytes: `__u16 source, dest; __u32 flags`)
/// from linux/netfilter/xt_addrtype.h. The masks have bit `1 << RTN_*` set for each type.
public struct XtAddrType: Hashable, Sendable {
    /// Source type mask (`XT_ADDRTYPE_*`, `1 << RTN_*`); 0 when not matched.
    public var source: UInt16
    /// Destination type mask; 0 when not matched.
    public var destination: UInt16
    /// `! --src-type`.
    public var invertSource: Bool
    /// `! --dst-type`.
    public var invertDestination: Bool
    /// `--limit-iface-in` (revision 1 only).
    public var limitInterfaceIn: Bool
    /// `--limit-iface-out` (revision 1 only).
    public var limitInterfaceOut: Bool

    /// Creates a value from its fields.
    public init(source: UInt16, destination: UInt16, invertSource: Bool = false, invertDestination: Bool = false,
                limitInterfaceIn: Bool = false, limitInterfaceOut: Bool = false) {
        self.source = source
        self.destination = destination
        self.invertSource = invertSource
        self.invertDestination = invertDestination
        self.limitInterfaceIn = limitInterfaceIn
        self.limitInterfaceOut = limitInterfaceOut
    }

    /// The rtnetlink route type names in `RTN_*` order, as libxt_addrtype spells them.
    public static let typeNames = ["UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "ANYCAST", "MULTICAST",
                                   "BLACKHOLE", "UNREACHABLE", "PROHIBIT", "THROW", "NAT", "XRESOLVE"]

    /// The names of the types in a mask, in bit order; bits above `XRESOLVE` are not printed by iptables.
    public static func names(_ mask: UInt16) -> [String] {
        typeNames.indices.filter { mask & (1 << $0) != 0 }.map { typeNames[$0] }
    }

    static func decode(_ blob: XtBlob, revision: UInt8) throws(DecodeError) -> XtAddrType? {
        switch revision {
        case 0:
            try blob.require(12, "xt_addrtype_info")
            return XtAddrType(source: try blob.u16(0), destination: try blob.u16(2),
                              invertSource: try blob.u32(4) != 0, invertDestination: try blob.u32(8) != 0)
        case 1:
            try blob.require(8, "xt_addrtype_info_v1")
            let flags = try blob.u32(4)
            return XtAddrType(source: try blob.u16(0), destination: try blob.u16(2),
                              invertSource: flags & 1 != 0, invertDestination: flags & 2 != 0,
                              limitInterfaceIn: flags & 4 != 0, limitInterfaceOut: flags & 8 != 0)
        default:
            return nil
        }
    }

    /// libxt_addrtype `addrtype_save_v0` / `addrtype_save_v1`.
    var arguments: [String] {
        var out: [String] = []
        if source != 0 {
            out += (invertSource ? ["!"] : []) + ["--src-type", Self.names(source).joined(separator: ",")]
        }
        if destination != 0 {
            out += (invertDestination ? ["!"] : []) + ["--dst-type", Self.names(destination).joined(separator: ",")]
        }
        if limitInterfaceIn { out.append("--limit-iface-in") }
        if limitInterfaceOut { out.append("--limit-iface-out") }
        return out
    }
}
