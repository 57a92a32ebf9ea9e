import Glibc
import NetCore
import NetlinkTesting
import Testing

@Suite("IPAddress text forms")
struct IPAddressTests {
    @Test("IPv4 parses and prints as a dotted quad", arguments: [
        ("0.0.0.0", 0), ("255.255.255.255", 0xffff_ffff), ("10.42.0.5", 0x0a2a_0005), ("127.0.0.1", 0x7f00_0001),
    ] as [(String, UInt32)])
    func ipv4(text: String, value: UInt32) throws {
        let address = try #require(IPAddress(text))
        #expect(address == .v4(value))
        #expect(address.description == text)
        #expect(address.family == .ipv4)
    }

    @Test("invalid IPv4 is rejected", arguments: [
        "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.-1", "+1.2.3.4", "1.+2.3.4", "01.2.3.4", "1.2.3.04",
        "1..3.4", " 1.2.3.4", "1.2.3.4 ", "a.b.c.d", "1.2.3.4/24", "0x1.2.3.4", "1.2.3.4.", ".1.2.3.4", "1000.2.3.4",
        "1.2.3.٤",
    ])
    func invalidIPv4(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test("IPv6 prints in RFC 5952 canonical form", arguments: [
        ("2001:db8:0:0:0:0:2:1", "2001:db8::2:1"),          // 4.2.1: compress the zeros
        ("2001:0db8::0001", "2001:db8::1"),                 // 4.1: no leading zeros
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),   // 4.2.2: never compress a single group
        ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),            // 4.2.3: the longest run
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),      // 4.2.3: the first of equal runs
        ("2001:DB8::AbCd", "2001:db8::abcd"),               // 4.3: lower case
        ("0:0:0:0:0:0:0:0", "::"), ("0:0:0:0:0:0:0:1", "::1"), ("1:0:0:0:0:0:0:0", "1::"),
        ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"), ("fe80::1:0:0:0", "fe80::1:0:0:0"),
        ("0:1:0:1:0:1:0:1", "0:1:0:1:0:1:0:1"), ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"), ("::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"),
        ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),           // 5: IPv4-mapped keeps the dotted quad
        ("::ffff:c000:201", "::ffff:192.0.2.1"),
        ("64:ff9b::192.0.2.1", "64:ff9b::c000:201"),
        ("1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"),
    ])
    func ipv6Canonical(text: String, canonical: String) throws {
        let address = try #require(IPAddress(text))
        #expect(address.family == .ipv6)
        #expect(address.description == canonical)
        #expect(IPAddress(canonical) == address)
    }

    @Test("invalid IPv6 is rejected", arguments: [
        ":", ":::", "1:", ":1", ":1::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "g::", "+1::",
        "-1::", "::+f", "1::2:3:4:5:6:7:8", "::1.2.3", "1.2.3.4::", "::ffff:1.2.3.4:5", "fe80::1%eth0", "::01.2.3.4",
        "1:2:3:4:5:6:7:1.2.3.4", "[::1]", " ::1", "::1 ", "0x1::",
    ])
    func invalidIPv6(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test("network bytes round trip; other lengths are refused")
    func networkBytes() throws {
        let v4 = try #require(IPAddress("10.42.0.5"))
        #expect(v4.networkBytes == [10, 42, 0, 5])
        #expect(IPAddress(networkBytes: v4.networkBytes) == v4)
        let v6 = try #require(IPAddress("2001:db8::ff00:42:8329"))
        #expect(v6.networkBytes == [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0xff, 0, 0, 0x42, 0x83, 0x29])
        #expect(IPAddress(networkBytes: v6.networkBytes) == v6)
        for count in [0, 3, 5, 15, 17] { #expect(IPAddress(networkBytes: [UInt8](repeating: 1, count: count)) == nil) }
    }

    @Test("ordering, loopback and unspecified")
    func ordering() throws {
        #expect(try #require(IPAddress("10.0.0.1")) < #require(IPAddress("10.0.0.2")))
        #expect(try #require(IPAddress("255.255.255.255")) < #require(IPAddress("::")))
        #expect(try #require(IPAddress("::1:0")) < #require(IPAddress("::2:0")))
        #expect(IPAddress("127.0.0.1")?.isLoopback == true && IPAddress("::1")?.isLoopback == true)
        #expect(IPAddress("128.0.0.1")?.isLoopback == false && IPAddress("::2")?.isLoopback == false)
        #expect(IPAddress.unspecified(.ipv6).description == "::" && IPAddress.unspecified(.ipv4).description == "0.0.0.0")
    }

    // MARK: glibc as the oracle

    static func ntop(_ address: IPAddress) -> String {
        var bytes = address.networkBytes
        var text = [CChar](repeating: 0, count: 64)
        let family = address.family == .ipv4 ? AF_INET : AF_INET6
        _ = inet_ntop(family, &bytes, &text, socklen_t(text.count))
        return text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    static func pton(_ text: String) -> IPAddress? {
        var bytes = [UInt8](repeating: 0, count: 16)
        if inet_pton(AF_INET, text, &bytes) == 1 { return IPAddress(networkBytes: bytes.prefix(4)) }
        if inet_pton(AF_INET6, text, &bytes) == 1 { return IPAddress(networkBytes: bytes) }
        return nil
    }

    /// Random addresses with many zero groups, so compression and its tie rules get exercised.
    static func randomAddress(_ random: inout SeededGenerator) -> IPAddress {
        if Int.random(in: 0..<4, using: &random) == 0 { return .v4(.random(in: 0...UInt32.max, using: &random)) }
        let groups = (0..<8).map { _ in Bool.random(using: &random) ? 0 : UInt64.random(in: 0...0xffff, using: &random) }
        return .v6(high: groups[0..<4].reduce(0) { $0 << 16 | $1 }, low: groups[4..<8].reduce(0) { $0 << 16 | $1 })
    }

    /// glibc prints the deprecated IPv4-compatible form (`::a.b.c.d`) as a dotted quad; RFC 5952 keeps hex.
    static func isIPv4Compatible(_ address: IPAddress) -> Bool {
        guard case .v6(let high, let low) = address else { return false }
        return high == 0 && low >> 32 == 0 && low >> 16 != 0
    }

    @Test("5000 random addresses print as inet_ntop prints them and parse back")
    func formatMatchesGlibc() throws {
        var random = SeededGenerator(seed: 0x6970_6164_6472)
        for _ in 0..<5000 {
            let address = Self.randomAddress(&random)
            if !Self.isIPv4Compatible(address) { #expect(address.description == Self.ntop(address)) }
            #expect(IPAddress(address.description) == address)
        }
    }

    @Test("20000 random and mutated strings parse exactly when inet_pton accepts them")
    func parseMatchesGlibc() throws {
        var random = SeededGenerator(seed: 0x7074_6f6e)
        let alphabet = Array("0123456789abcdefABCDEF::::....+- x%/")
        var accepted = 0
        for round in 0..<20000 {
            var text: String
            if round % 2 == 0 {
                text = String((0..<Int.random(in: 0...24, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
            } else {
                var characters = Array(Self.randomAddress(&random).description)
                for _ in 0..<Int.random(in: 0...2, using: &random) where !characters.isEmpty {
                    let at = Int.random(in: 0..<characters.count, using: &random)
                    switch Int.random(in: 0..<3, using: &random) {
                    case 0: characters.remove(at: at)
                    case 1: characters.insert(alphabet.randomElement(using: &random)!, at: at)
                    default: characters[at] = alphabet.randomElement(using: &random)!
                    }
                }
                text = String(characters)
            }
            let oracle = Self.pton(text)
            #expect(IPAddress(text) == oracle, "\(text)")
            if oracle != nil { accepted += 1 }
        }
        #expect(accepted > 5000)
    }
}
