import NetCore

/// An ARP (IPv4) or NDP (IPv6) neighbour cache entry (`RTM_NEWNEIGH`, `struct ndmsg` plus `NDA_*`).
public struct Neighbour: Hashable, Sendable {
    /// The interface index the neighbour is reached on (`ndm_ifindex`).
    public var interfaceIndex: Int32
    /// IPv4 (ARP) or IPv6 (neighbour discovery) (`ndm_family`).
    public var family: IPFamily
    /// The neighbour's IP address (`NDA_DST`).
    public var address: IPAddress
    /// Its link-layer address (`NDA_LLADDR`); absent while resolution is incomplete or failed.
    public var linkLayerAddress: LinkLayerAddress?
    /// The reachability state (`ndm_state`, `NUD_*`).
    public var state: NeighbourState
    /// `NTF_*` flags (`ndm_flags`): `router`, `proxy`, `extern_learn`, …
    public var flags: NeighbourFlags
    /// Who installed the entry (`NDA_PROTOCOL`, kernel 5.2+).
    public var `protocol`: RouteProtocol?

    /// Creates an entry; the family is the address's.
    public init(interfaceIndex: Int32, address: IPAddress, linkLayerAddress: LinkLayerAddress? = nil,
                state: NeighbourState = .none, flags: NeighbourFlags = [], protocol: RouteProtocol? = nil) {
        self.interfaceIndex = interfaceIndex
        self.family = address.family
        self.address = address
        self.linkLayerAddress = linkLayerAddress
        self.state = state
        self.flags = flags
        self.protocol = `protocol`
    }
}

/// A neighbour's reachability state (`ndm_state`, `NUD_*` in `<linux/neighbour.h>`); a bit set, though the
/// kernel normally reports one state at a time.
public struct NeighbourState: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let none = NeighbourState(rawValue: 0x00)        // NUD_NONE
    /// Resolution in progress (`NUD_INCOMPLETE`).
    public static let incomplete = NeighbourState(rawValue: 0x01)
    /// Confirmed recently (`NUD_REACHABLE`).
    public static let reachable = NeighbourState(rawValue: 0x02)
    /// Usable, but to be confirmed on next use (`NUD_STALE`).
    public static let stale = NeighbourState(rawValue: 0x04)
    public static let delay = NeighbourState(rawValue: 0x08)       // NUD_DELAY
    public static let probe = NeighbourState(rawValue: 0x10)       // NUD_PROBE
    /// Resolution failed (`NUD_FAILED`).
    public static let failed = NeighbourState(rawValue: 0x20)
    /// No resolution needed on this device (`NUD_NOARP`).
    public static let noARP = NeighbourState(rawValue: 0x40)
    /// Configured by hand, never expires (`NUD_PERMANENT`).
    public static let permanent = NeighbourState(rawValue: 0x80)

    /// Whether the entry can be used to send without resolving again.
    public var isValid: Bool { rawValue & 0xde != 0 }  // NUD_VALID: everything but INCOMPLETE and FAILED

    /// The state names `ip neigh` prints (`REACHABLE`, `PERMANENT`, …); unknown bits as hex.
    public var names: [String] {
        let table: [(UInt16, String)] = [
            (0x01, "INCOMPLETE"), (0x02, "REACHABLE"), (0x04, "STALE"), (0x08, "DELAY"), (0x10, "PROBE"),
            (0x20, "FAILED"), (0x40, "NOARP"), (0x80, "PERMANENT"),
        ]
        var names = table.filter { rawValue & $0.0 != 0 }.map(\.1)
        let unknown = rawValue & 0xff00
        if unknown != 0 { names.append("0x" + String(unknown, radix: 16)) }
        return names
    }

    public var description: String { rawValue == 0 ? "NONE" : names.joined(separator: ",") }
}

/// Neighbour flags (`ndm_flags`, `NTF_*` in `<linux/neighbour.h>`).
public struct NeighbourFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let use = NeighbourFlags(rawValue: 0x01)            // NTF_USE
    public static let own = NeighbourFlags(rawValue: 0x02)            // NTF_SELF
    public static let master = NeighbourFlags(rawValue: 0x04)         // NTF_MASTER
    /// A proxy ARP/NDP entry (`NTF_PROXY`).
    public static let proxy = NeighbourFlags(rawValue: 0x08)
    /// Learned by an external controller (`NTF_EXT_LEARNED`).
    public static let externallyLearned = NeighbourFlags(rawValue: 0x10)
    public static let offloaded = NeighbourFlags(rawValue: 0x20)      // NTF_OFFLOADED
    public static let sticky = NeighbourFlags(rawValue: 0x40)         // NTF_STICKY
    /// The IPv6 neighbour is a router (`NTF_ROUTER`).
    public static let router = NeighbourFlags(rawValue: 0x80)
}
