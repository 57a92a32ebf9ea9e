import NetCore

/// An address assigned to an interface (`RTM_NEWADDR`, `struct ifaddrmsg` plus `IFA_*`).
public struct InterfaceAddress: Hashable, Sendable {
    /// The index of the interface that holds the address (`ifa_index`).
    public var interfaceIndex: Int32
    /// IPv4 or IPv6 (`ifa_family`).
    public var family: IPFamily
    /// The local address with its prefix length, as `ip addr` prints it: `10.0.0.1/24`.
    public var prefix: IPPrefix
    /// The far end of a point-to-point link (`IFA_ADDRESS` when it differs from `IFA_LOCAL`).
    public var peer: IPAddress?
    /// The IPv4 broadcast address (`IFA_BROADCAST`).
    public var broadcast: IPAddress?
    /// The address scope (`ifa_scope`): `global`, `link`, `host`.
    public var scope: RouteScope
    /// `IFA_F_*` flags, from `IFA_FLAGS` when present (it extends the 8-bit `ifa_flags`).
    public var flags: AddressFlags
    /// The IPv4 label, such as `eth0:1` (`IFA_LABEL`).
    public var label: String?
    /// The metric of the prefix route the kernel adds for the address (`IFA_RT_PRIORITY`).
    public var routePriority: UInt32?

    /// The address itself (`IFA_LOCAL`, or `IFA_ADDRESS` where there is no `IFA_LOCAL`, as in IPv6).
    public var local: IPAddress { prefix.address }

    /// Creates an address; the family is the prefix's.
    public init(interfaceIndex: Int32, prefix: IPPrefix, peer: IPAddress? = nil, broadcast: IPAddress? = nil,
                scope: RouteScope = .universe, flags: AddressFlags = [], label: String? = nil,
                routePriority: UInt32? = nil) {
        self.interfaceIndex = interfaceIndex
        self.family = prefix.address.family
        self.prefix = prefix
        self.peer = peer
        self.broadcast = broadcast
        self.scope = scope
        self.flags = flags
        self.label = label
        self.routePriority = routePriority
    }
}

/// Interface address flags (`IFA_F_*` in `<linux/if_addr.h>`).
public struct AddressFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// A secondary IPv4 address, or a temporary IPv6 privacy address (`IFA_F_SECONDARY`).
    public static let secondary = AddressFlags(rawValue: 0x01)
    public static let noDAD = AddressFlags(rawValue: 0x02)           // IFA_F_NODAD
    public static let optimistic = AddressFlags(rawValue: 0x04)      // IFA_F_OPTIMISTIC
    public static let dadFailed = AddressFlags(rawValue: 0x08)       // IFA_F_DADFAILED
    public static let homeAddress = AddressFlags(rawValue: 0x10)     // IFA_F_HOMEADDRESS
    public static let deprecated = AddressFlags(rawValue: 0x20)      // IFA_F_DEPRECATED
    /// Duplicate address detection still runs; the address is not usable yet (`IFA_F_TENTATIVE`).
    public static let tentative = AddressFlags(rawValue: 0x40)
    /// Configured, not learned; no lifetime (`IFA_F_PERMANENT`).
    public static let permanent = AddressFlags(rawValue: 0x80)
    public static let manageTemporaryAddress = AddressFlags(rawValue: 0x100) // IFA_F_MANAGETEMPADDR
    /// No prefix route was added for the address (`IFA_F_NOPREFIXROUTE`).
    public static let noPrefixRoute = AddressFlags(rawValue: 0x200)
    public static let multicastAutoJoin = AddressFlags(rawValue: 0x400)     // IFA_F_MCAUTOJOIN
    public static let stablePrivacy = AddressFlags(rawValue: 0x800)        // IFA_F_STABLE_PRIVACY
}
