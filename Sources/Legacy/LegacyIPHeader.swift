import NetCore

/// The standard match part of a legacy rule: `struct ipt_ip` (IPv4) or `struct ip6t_ip6` (IPv6).
///
/// Values are kept as the kernel holds them (addresses already masked by iptables, interface names with
/// their byte masks), so rendering reproduces iptables-save exactly.
public struct LegacyIPHeader: Hashable, Sendable {
    public var family: IPFamily
    public var source: IPAddress
    public var sourceMask: IPAddress
    public var destination: IPAddress
    public var destinationMask: IPAddress
    /// `iniface` up to its NUL (`eth` for `-i eth+`).
    public var inInterface: String
    /// `iniface_mask`: 0xff for each byte that must match; a wildcard ends one byte after the name.
    public var inInterfaceMask: [UInt8]
    public var outInterface: String
    public var outInterfaceMask: [UInt8]
    /// The layer-4 protocol number; 0 means any.
    public var protocolNumber: UInt16
    /// `flags`: `IPT_F_FRAG` 0x01, `IPT_F_GOTO` 0x02 (IPv4); `IP6T_F_PROTO` 0x01, `IP6T_F_TOS` 0x02,
    /// `IP6T_F_GOTO` 0x04 (IPv6).
    public var flags: UInt8
    /// `invflags`: `IPT_INV_VIA_IN` 0x01, `_VIA_OUT` 0x02, `_TOS` 0x04, `_SRCIP` 0x08, `_DSTIP` 0x10,
    /// `_FRAG` 0x20, `_PROTO` 0x40 (the same values for IPv6).
    public var invertFlags: UInt8

    public init(family: IPFamily, source: IPAddress, sourceMask: IPAddress, destination: IPAddress,
                destinationMask: IPAddress, inInterface: String, inInterfaceMask: [UInt8], outInterface: String,
                outInterfaceMask: [UInt8], protocolNumber: UInt16, flags: UInt8, invertFlags: UInt8) {
        self.family = family
        self.source = source
        self.sourceMask = sourceMask
        self.destination = destination
        self.destinationMask = destinationMask
        self.inInterface = inInterface
        self.inInterfaceMask = inInterfaceMask
        self.outInterface = outInterface
        self.outInterfaceMask = outInterfaceMask
        self.protocolNumber = protocolNumber
        self.flags = flags
        self.invertFlags = invertFlags
    }

    public static let invertIn: UInt8 = 0x01
    public static let invertOut: UInt8 = 0x02
    public static let invertSource: UInt8 = 0x08
    public static let invertDestination: UInt8 = 0x10
    public static let invertFragment: UInt8 = 0x20
    public static let invertProtocol: UInt8 = 0x40

    /// `-f`: the rule matches second and later fragments only (IPv4 `IPT_F_FRAG`).
    public var isFragment: Bool { family == .ipv4 && flags & 0x01 != 0 }
    /// `-g`: a jump that does not return here (`IPT_F_GOTO` / `IP6T_F_GOTO`).
    public var isGoto: Bool { flags & (family == .ipv4 ? 0x02 : 0x04) != 0 }

    func inverts(_ flag: UInt8) -> Bool { invertFlags & flag != 0 }
}
