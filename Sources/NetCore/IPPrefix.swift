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
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IPAddress(String(parts[0])) else { return nil }
        guard parts.count == 2 else {
            self.init(address: address, length: address.family.bitWidth)
            return
        }
        // Digits only: Swift's Int("+8") would accept a sign, and "10.0.0.0/" must not mean a host prefix.
        let digits = parts[1]
        guard (1...3).contains(digits.count), digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
              let length = Int(digits) else { return nil }
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
