/// An address with a prefix length, such as `10.42.0.0/16`, as routes and addresses carry them.
public struct IPPrefix: Hashable, Sendable, LosslessStringConvertible, CodableAsText {
    /// The address as given (host bits are kept: `10.42.0.7/24` is an interface address).
    public var address: IPAddress
    /// The number of leading bits that form the network part.
    public var length: Int

    /// Creates a prefix; `nil` when the length does not fit the family.
    public init?(address: IPAddress, length: Int) {
        guard length >= 0, length <= address.family.bitWidth else { return nil }
        self.address = address
        self.length = length
    }

    /// Parses `ADDRESS/LENGTH`, or a bare address as a host prefix.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let first = parts.first, let address = IPAddress(String(first)) else { return nil }
        let length = parts.count == 2 ? Int(parts[1]) : address.family.bitWidth
        guard let length else { return nil }
        self.init(address: address, length: length)
    }

    /// Whether `other` lies inside this prefix (same family, same network bits).
    public func contains(_ other: IPAddress) -> Bool {
        switch (address, other) {
        case (.v4(let network), .v4(let candidate)):
            let mask: UInt32 = length == 0 ? 0 : ~UInt32(0) << (32 - length)
            return network & mask == candidate & mask
        case (.v6(let nh, let nl), .v6(let ch, let cl)):
            let (mh, ml) = IPPrefix.v6Mask(length)
            return nh & mh == ch & mh && nl & ml == cl & ml
        default:
            return false
        }
    }

    /// The network address (host bits cleared).
    public var network: IPAddress {
        switch address {
        case .v4(let value):
            return .v4(length == 0 ? 0 : value & (~UInt32(0) << (32 - length)))
        case .v6(let high, let low):
            let (mh, ml) = IPPrefix.v6Mask(length)
            return .v6(high: high & mh, low: low & ml)
        }
    }

    public var description: String { "\(address)/\(length)" }


    static func v6Mask(_ length: Int) -> (UInt64, UInt64) {
        let high: UInt64 = length >= 64 ? ~0 : (length == 0 ? 0 : ~UInt64(0) << (64 - length))
        let low: UInt64 = length <= 64 ? 0 : (length == 128 ? ~0 : ~UInt64(0) << (128 - length))
        return (high, low)
    }
}
