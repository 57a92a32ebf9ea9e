import NetCore

/// A network interface as rtnetlink describes it (`RTM_NEWLINK`, `struct ifinfomsg` plus `IFLA_*`).
public struct Link: Hashable, Sendable {
    /// The interface index (`ifi_index`), unique within its namespace.
    public var index: Int32
    /// The interface name (`IFLA_IFNAME`).
    public var name: String
    /// The driver kind for virtual links: `veth`, `bridge`, `vxlan`, … (`IFLA_INFO_KIND`); `nil` for
    /// physical devices and loopback, which carry no link info.
    public var kind: LinkKind?
    /// The kind of the master this link is enslaved to, such as `bridge` for a bridge port
    /// (`IFLA_INFO_SLAVE_KIND`).
    public var portKind: LinkKind?
    /// The hardware type (`ifi_type`, `ARPHRD_*`): 1 for Ethernet, 772 for loopback.
    public var hardwareType: UInt16
    /// The administrative and lower-layer flags (`ifi_flags`, `IFF_*`).
    public var flags: LinkFlags
    /// The RFC 2863 operational state (`IFLA_OPERSTATE`).
    public var operationalState: OperationalState
    /// The MTU in bytes (`IFLA_MTU`).
    public var mtu: UInt32?
    /// The link-layer address (`IFLA_ADDRESS`), a MAC address on Ethernet-like links.
    public var address: LinkLayerAddress?
    /// The link-layer broadcast address (`IFLA_BROADCAST`).
    public var broadcast: LinkLayerAddress?
    /// The index of the master device, such as the bridge a port belongs to (`IFLA_MASTER`).
    public var masterIndex: Int32?
    /// The index of the parent or peer link (`IFLA_LINK`): a veth's peer, a VLAN's lower device. When
    /// ``linkNamespaceID`` is set, the index is in that other namespace.
    public var parentIndex: Int32?
    /// The id under which this namespace knows the namespace of the peer or parent link
    /// (`IFLA_LINK_NETNSID`); set for a veth whose peer lives in another namespace.
    public var linkNamespaceID: Int32?
    /// The interface alias (`IFLA_IFALIAS`).
    public var alias: String?
    /// The interface group (`IFLA_GROUP`).
    public var group: UInt32?
    /// VXLAN parameters when ``kind`` is `vxlan` (`IFLA_INFO_DATA`).
    public var vxlan: VXLANInfo?

    /// Whether the link is administratively up (`IFF_UP`).
    public var isUp: Bool { flags.contains(.up) }

    /// Creates a link description, as tests and fakes need; readers decode them with `init(decoding:)`.
    public init(index: Int32, name: String, kind: LinkKind? = nil, portKind: LinkKind? = nil,
                hardwareType: UInt16 = 1, flags: LinkFlags = [], operationalState: OperationalState = .unknown,
                mtu: UInt32? = nil, address: LinkLayerAddress? = nil, broadcast: LinkLayerAddress? = nil,
                masterIndex: Int32? = nil, parentIndex: Int32? = nil, linkNamespaceID: Int32? = nil,
                alias: String? = nil, group: UInt32? = nil, vxlan: VXLANInfo? = nil) {
        self.index = index
        self.name = name
        self.kind = kind
        self.portKind = portKind
        self.hardwareType = hardwareType
        self.flags = flags
        self.operationalState = operationalState
        self.mtu = mtu
        self.address = address
        self.broadcast = broadcast
        self.masterIndex = masterIndex
        self.parentIndex = parentIndex
        self.linkNamespaceID = linkNamespaceID
        self.alias = alias
        self.group = group
        self.vxlan = vxlan
    }
}

/// The VXLAN parameters of a `vxlan` link (`IFLA_VXLAN_*` inside `IFLA_INFO_DATA`).
public struct VXLANInfo: Hashable, Sendable {
    /// The VXLAN network identifier (`IFLA_VXLAN_ID`).
    public var id: UInt32?
    /// The UDP destination port (`IFLA_VXLAN_PORT`, sent in network order).
    public var port: UInt16?
    /// The local tunnel endpoint (`IFLA_VXLAN_LOCAL` or `IFLA_VXLAN_LOCAL6`).
    public var local: IPAddress?
    /// The remote or multicast group address (`IFLA_VXLAN_GROUP` or `IFLA_VXLAN_GROUP6`).
    public var group: IPAddress?
    /// The underlay device index (`IFLA_VXLAN_LINK`).
    public var underlayIndex: Int32?

    /// Creates VXLAN parameters.
    public init(id: UInt32? = nil, port: UInt16? = nil, local: IPAddress? = nil, group: IPAddress? = nil,
                underlayIndex: Int32? = nil) {
        self.id = id
        self.port = port
        self.local = local
        self.group = group
        self.underlayIndex = underlayIndex
    }
}

/// A link driver kind (`IFLA_INFO_KIND`), kept as the kernel's string so new kinds survive.
public struct LinkKind: RawRepresentable, Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    // The kinds Kubernetes nodes commonly carry; any other string is just as valid.
    public static let veth: LinkKind = "veth"
    public static let bridge: LinkKind = "bridge"
    public static let vxlan: LinkKind = "vxlan"
    public static let dummy: LinkKind = "dummy"
    public static let bond: LinkKind = "bond"
    public static let vlan: LinkKind = "vlan"
    public static let macvlan: LinkKind = "macvlan"
    public static let ipvlan: LinkKind = "ipvlan"
    public static let geneve: LinkKind = "geneve"
    public static let wireguard: LinkKind = "wireguard"
    public static let vrf: LinkKind = "vrf"
    public static let tun: LinkKind = "tun"
    public static let ipip: LinkKind = "ipip"

    public var description: String { rawValue }
}

/// Interface flags (`ifi_flags`, `IFF_*` in `<linux/if.h>`).
public struct LinkFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Administratively up (`IFF_UP`).
    public static let up = LinkFlags(rawValue: 0x1)
    public static let broadcast = LinkFlags(rawValue: 0x2)      // IFF_BROADCAST
    public static let loopback = LinkFlags(rawValue: 0x8)       // IFF_LOOPBACK
    public static let pointToPoint = LinkFlags(rawValue: 0x10)  // IFF_POINTOPOINT
    /// Resources allocated, the driver runs (`IFF_RUNNING`).
    public static let running = LinkFlags(rawValue: 0x40)
    public static let noARP = LinkFlags(rawValue: 0x80)         // IFF_NOARP
    public static let promiscuous = LinkFlags(rawValue: 0x100)  // IFF_PROMISC
    public static let allMulticast = LinkFlags(rawValue: 0x200) // IFF_ALLMULTI
    public static let master = LinkFlags(rawValue: 0x400)       // IFF_MASTER (bonding)
    public static let slave = LinkFlags(rawValue: 0x800)        // IFF_SLAVE (bonding)
    public static let multicast = LinkFlags(rawValue: 0x1000)   // IFF_MULTICAST
    /// The carrier is up (`IFF_LOWER_UP`).
    public static let lowerUp = LinkFlags(rawValue: 0x10000)
    public static let dormant = LinkFlags(rawValue: 0x20000)    // IFF_DORMANT

    /// The names `ip link` prints, in its order (`BROADCAST`, `MULTICAST`, `UP`, `LOWER_UP`, …).
    public var names: [String] {
        let table: [(UInt32, String)] = [
            (0x8, "LOOPBACK"), (0x2, "BROADCAST"), (0x10, "POINTOPOINT"), (0x1000, "MULTICAST"), (0x80, "NOARP"),
            (0x200, "ALLMULTI"), (0x100, "PROMISC"), (0x400, "MASTER"), (0x800, "SLAVE"), (0x4, "DEBUG"),
            (0x8000, "DYNAMIC"), (0x4000, "AUTOMEDIA"), (0x2000, "PORTSEL"), (0x20, "NOTRAILERS"), (0x1, "UP"),
            (0x10000, "LOWER_UP"), (0x20000, "DORMANT"), (0x40000, "ECHO"),
        ]
        return table.filter { rawValue & $0.0 != 0 }.map(\.1)
    }
}

/// RFC 2863 operational state (`IFLA_OPERSTATE`, `IF_OPER_*`).
public struct OperationalState: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let unknown = OperationalState(rawValue: 0)        // IF_OPER_UNKNOWN
    public static let notPresent = OperationalState(rawValue: 1)     // IF_OPER_NOTPRESENT
    public static let down = OperationalState(rawValue: 2)           // IF_OPER_DOWN
    public static let lowerLayerDown = OperationalState(rawValue: 3) // IF_OPER_LOWERLAYERDOWN
    public static let testing = OperationalState(rawValue: 4)        // IF_OPER_TESTING
    public static let dormant = OperationalState(rawValue: 5)        // IF_OPER_DORMANT
    public static let up = OperationalState(rawValue: 6)             // IF_OPER_UP

    /// The name `ip link` prints (`UP`, `DOWN`, `LOWERLAYERDOWN`, `UNKNOWN`, …), or the number.
    public var description: String {
        let names = ["UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"]
        return Int(rawValue) < names.count ? names[Int(rawValue)] : String(rawValue)
    }
}

/// A link-layer address such as a MAC address, kept as the kernel's bytes (any length).
public struct LinkLayerAddress: Hashable, Sendable, CustomStringConvertible {
    /// The address bytes as the kernel sent them (6 for Ethernet).
    public var bytes: [UInt8]
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// Parses colon-separated hex (`02:00:00:00:00:01`).
    public init?(_ text: String) {
        var bytes: [UInt8] = []
        for part in text.split(separator: ":", omittingEmptySubsequences: false) {
            guard (1...2).contains(part.count), let byte = UInt8(part, radix: 16) else { return nil }
            bytes.append(byte)
        }
        self.bytes = bytes
    }

    /// Lower-case colon-separated hex, as `ip` prints it.
    public var description: String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: ":")
    }
}
