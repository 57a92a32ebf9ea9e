/// An IPv4 or IPv6 address held by value, in numeric (host) order so that masks and ranges are plain integer work.
///
/// Kernel attributes carry addresses in network byte order; use ``init(networkBytes:)`` to decode them.
public enum IPAddress: Hashable, Sendable, Comparable {
    /// An IPv4 address; `10.0.0.1` is `0x0A00_0001`.
    case v4(UInt32)
    /// An IPv6 address as its high and low 64 bits.
    case v6(high: UInt64, low: UInt64)

    /// The address family.
    public var family: IPFamily {
        switch self {
        case .v4: return .ipv4
        case .v6: return .ipv6
        }
    }

    /// Decodes 4 or 16 bytes in network byte order, as the kernel sends them; `nil` for any other length.
    public init?<Bytes: Collection>(networkBytes bytes: Bytes) where Bytes.Element == UInt8 {
        switch bytes.count {
        case 4:
            self = .v4(bytes.reduce(0) { $0 << 8 | UInt32($1) })
        case 16:
            var high: UInt64 = 0, low: UInt64 = 0
            for (index, byte) in bytes.enumerated() {
                if index < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt64(byte) }
            }
            self = .v6(high: high, low: low)
        default:
            return nil
        }
    }

    /// The address in network byte order (4 or 16 bytes).
    public var networkBytes: [UInt8] {
        switch self {
        case .v4(let value):
            return (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) }
        case .v6(let high, let low):
            return (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) }
                + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
        }
    }

    /// The unspecified address of a family (`0.0.0.0` or `::`).
    public static func unspecified(_ family: IPFamily) -> IPAddress {
        family == .ipv4 ? .v4(0) : .v6(high: 0, low: 0)
    }

    /// Whether this is a loopback address (`127.0.0.0/8` or `::1`).
    public var isLoopback: Bool {
        switch self {
        case .v4(let value): return value >> 24 == 127
        case .v6(let high, let low): return high == 0 && low == 1
        }
    }

    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        switch (lhs, rhs) {
        case (.v4(let a), .v4(let b)): return a < b
        case (.v6(let ah, let al), .v6(let bh, let bl)): return (ah, al) < (bh, bl)
        case (.v4, .v6): return true
        case (.v6, .v4): return false
        }
    }
}

/// An address family the tool understands.
public enum IPFamily: String, Hashable, Sendable, Codable, CaseIterable {
    case ipv4
    case ipv6

    /// The Linux address family number (`AF_INET` 2, `AF_INET6` 10).
    public var addressFamily: UInt8 { self == .ipv4 ? 2 : 10 }

    /// The family for a Linux address family number, if it is an IP one.
    public init?(addressFamily: UInt8) {
        switch addressFamily {
        case 2: self = .ipv4
        case 10: self = .ipv6
        default: return nil
        }
    }

    /// The address length in bits.
    public var bitWidth: Int { self == .ipv4 ? 32 : 128 }
}
