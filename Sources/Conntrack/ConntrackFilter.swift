import NetCore

/// Which flows to list, watch or delete. Every field left `nil` matches everything.
///
/// The filter is always applied in Swift (``matches(_:)``); parts the kernel can evaluate are also sent
/// with the dump request to cut the work (`CTA_MARK`/`CTA_MARK_MASK` since Linux 2.6.35, `CTA_FILTER`
/// since 5.8, `CTA_STATUS_MASK` since 5.19), because the kernel marks a filtered dump the same way
/// whether or not it understood the filter.
public struct ConntrackFilter: Hashable, Sendable {
    /// Layer-3 family.
    public var family: IPFamily?
    /// Layer-4 protocol.
    public var l4Protocol: L4Protocol?
    /// Conditions on the original tuple.
    public var original: TupleFilter
    /// Conditions on the reply tuple.
    public var reply: TupleFilter
    /// Protocol states by name (`ESTABLISHED`, `TIME_WAIT`, `COOKIE_WAIT`); a flow matches any of them.
    public var states: Set<String>?
    /// Status bits that must all be set.
    public var statusSet: ConntrackStatus
    /// Status bits that must all be clear.
    public var statusClear: ConntrackStatus
    /// `(mark & mask) == value`.
    public var mark: MarkFilter?
    /// The zone id; 0 selects flows in the default zone.
    public var zone: UInt16?
    /// The kind of NAT applied.
    public var nat: NATFilter?

    public init(family: IPFamily? = nil, l4Protocol: L4Protocol? = nil, original: TupleFilter = TupleFilter(),
                reply: TupleFilter = TupleFilter(), states: Set<String>? = nil, statusSet: ConntrackStatus = [],
                statusClear: ConntrackStatus = [], mark: MarkFilter? = nil, zone: UInt16? = nil, nat: NATFilter? = nil) {
        self.family = family
        self.l4Protocol = l4Protocol
        self.original = original
        self.reply = reply
        self.states = states.map { Set($0.map { $0.uppercased() }) }
        self.statusSet = statusSet
        self.statusClear = statusClear
        self.mark = mark
        self.zone = zone
        self.nat = nat
    }

    /// The family the filter implies: the one given, or the one of its addresses.
    public var impliedFamily: IPFamily? {
        family ?? [original.source, original.destination, reply.source, reply.destination]
            .compactMap { $0?.address.family }.first
    }
}

/// Conditions on one tuple: address prefixes and port ranges.
public struct TupleFilter: Hashable, Sendable {
    public var source: IPPrefix?
    public var destination: IPPrefix?
    public var sourcePorts: ClosedRange<UInt16>?
    public var destinationPorts: ClosedRange<UInt16>?

    public init(source: IPPrefix? = nil, destination: IPPrefix? = nil,
                sourcePorts: ClosedRange<UInt16>? = nil, destinationPorts: ClosedRange<UInt16>? = nil) {
        self.source = source
        self.destination = destination
        self.sourcePorts = sourcePorts
        self.destinationPorts = destinationPorts
    }

    /// Whether the tuple filter has no condition.
    public var isEmpty: Bool { source == nil && destination == nil && sourcePorts == nil && destinationPorts == nil }
}

/// `(mark & mask) == value`, as `CTA_MARK` and `CTA_MARK_MASK` mean it.
public struct MarkFilter: Hashable, Sendable {
    public var value: UInt32
    public var mask: UInt32

    public init(value: UInt32, mask: UInt32 = .max) {
        self.value = value & mask
        self.mask = mask
    }

    /// Parses `VALUE` or `VALUE/MASK`, each decimal or `0x` hexadecimal.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard let value = parts.first.flatMap(MarkFilter.number) else { return nil }
        let mask = parts.count == 2 ? MarkFilter.number(parts[1]) : UInt32.max
        guard let mask else { return nil }
        self.init(value: value, mask: mask)
    }

    static func number(_ text: String) -> UInt32? {
        text.hasPrefix("0x") || text.hasPrefix("0X") ? UInt32(text.dropFirst(2), radix: 16) : UInt32(text)
    }
}

/// The kind of NAT a flow must (or must not) have.
public enum NATFilter: String, Hashable, Sendable, CaseIterable {
    /// Source NAT (`IPS_SRC_NAT`).
    case snat
    /// Destination NAT (`IPS_DST_NAT`).
    case dnat
    /// Either.
    case any
    /// Neither (`none` on the command line; not named `none`, which would read as `Optional.none`).
    case neither = "none"
}
