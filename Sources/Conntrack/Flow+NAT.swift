import NetCore

/// An address with an optional port, printed `10.0.0.1:80` or `[fd00::1]:80`.
public struct Endpoint: Hashable, Sendable, CustomStringConvertible {
    public var address: IPAddress
    public var port: UInt16?

    public init(address: IPAddress, port: UInt16?) {
        self.address = address
        self.port = port
    }

    public var description: String {
        guard case .v4(let raw) = address else {
            guard let port else { return "\(address)" }
            return "[\(address)]:\(port)"
        }
        return Endpoint.ipv4Text(raw, port: port)
    }

    /// `a.b.c.d[:port]` written straight into a string's storage: tables print millions of these.
    static func ipv4Text(_ raw: UInt32, port: UInt16?) -> String {
        String(unsafeUninitializedCapacity: 21) { buffer in
            var position = 0
            func digits(_ value: UInt32) {
                var divisor: UInt32 = value >= 10_000 ? 10_000 : value >= 1000 ? 1000 : value >= 100 ? 100 : value >= 10 ? 10 : 1
                while divisor > 0 {
                    buffer[position] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: (value / divisor) % 10)
                    position &+= 1
                    divisor /= 10
                }
            }
            for shift in [24, 16, 8, 0] as [UInt32] {
                digits((raw >> shift) & 0xff)
                if shift != 0 { buffer[position] = UInt8(ascii: "."); position &+= 1 }
            }
            if let port {
                buffer[position] = UInt8(ascii: ":"); position &+= 1
                digits(UInt32(port))
            }
            return position
        }
    }
}

/// A translation the kernel applies to a flow, derived from its status bits and tuples.
///
/// For DNAT the original destination is rewritten to the reply's source (`DNAT 10.43.143.185:80 →
/// 10.42.0.152:9090`); for SNAT the original source is rewritten to the reply's destination.
public struct NATTranslation: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        case snat = "SNAT"
        case dnat = "DNAT"
    }

    public var kind: Kind
    /// The endpoint as the first packet carried it.
    public var before: Endpoint
    /// The endpoint after translation.
    public var after: Endpoint

    public init(kind: Kind, before: Endpoint, after: Endpoint) {
        self.kind = kind
        self.before = before
        self.after = after
    }

    public var description: String { "\(kind.rawValue) \(before) → \(after)" }
}

extension Flow {
    /// The translations applied, DNAT first: from `IPS_DST_NAT`/`IPS_SRC_NAT` and the tuples.
    public var natTranslations: [NATTranslation] {
        var result: [NATTranslation] = []
        if status.contains(.destinationNAT) {
            result.append(NATTranslation(
                kind: .dnat,
                before: Endpoint(address: original.destination, port: original.destinationPort),
                after: Endpoint(address: reply.source, port: reply.sourcePort)))
        }
        if status.contains(.sourceNAT) {
            result.append(NATTranslation(
                kind: .snat,
                before: Endpoint(address: original.source, port: original.sourcePort),
                after: Endpoint(address: reply.destination, port: reply.destinationPort)))
        }
        return result
    }

    /// The translations in one line, `DNAT 10.43.143.185:80 → 10.42.0.152:9090`, or `nil` without NAT.
    public var natSummary: String? {
        let translations = natTranslations
        return translations.isEmpty ? nil : translations.map(\.description).joined(separator: ", ")
    }
}
