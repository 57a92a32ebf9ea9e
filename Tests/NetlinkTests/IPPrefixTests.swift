import NetCore
import NetlinkTesting
import Testing

@Suite("IPPrefix")
struct IPPrefixTests {
    @Test("parses, keeps host bits, prints, and finds its network", arguments: [
        ("10.42.0.0/16", "10.42.0.0"), ("10.42.0.7/24", "10.42.0.0"), ("0.0.0.0/0", "0.0.0.0"),
        ("192.168.1.1/32", "192.168.1.1"), ("10.1.2.3/9", "10.0.0.0"),
        ("2001:db8::1/64", "2001:db8::"), ("2001:db8::ffff:0:0:1/65", "2001:db8::8000:0:0:0"), ("::/0", "::"),
        ("fd00::ff/127", "fd00::fe"), ("fd00::ff/128", "fd00::ff"),
    ])
    func parse(text: String, network: String) throws {
        let prefix = try #require(IPPrefix(text))
        #expect(prefix.description == text)
        #expect(prefix.network == IPAddress(network))
        #expect(prefix.contains(prefix.address))
        #expect(prefix.contains(prefix.network))
    }

    @Test("a bare address is a host prefix")
    func bareAddress() {
        #expect(IPPrefix("10.0.0.1")?.length == 32)
        #expect(IPPrefix("::1")?.length == 128)
    }

    @Test("invalid prefixes are rejected", arguments: [
        "", "/8", "10.0.0.0/", "10.0.0.0/33", "::/129", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/8/9", "10.0.0.0/ 8",
        "10.0.0.0/8 ", "10.0.0.0/0x8", "10.0.0.0//8", "10.0.0/8", "nonsense/8", "10.0.0.0/999999999999999999999",
    ])
    func invalid(text: String) {
        #expect(IPPrefix(text) == nil)
    }

    @Test("contains checks family and network bits")
    func contains() throws {
        let v4 = try #require(IPPrefix("10.42.0.0/16"))
        #expect(v4.contains(try #require(IPAddress("10.42.255.255"))))
        #expect(!v4.contains(try #require(IPAddress("10.43.0.0"))))
        #expect(!v4.contains(try #require(IPAddress("::ffff:10.42.0.1"))))
        #expect(try #require(IPPrefix("0.0.0.0/0")).contains(try #require(IPAddress("255.1.2.3"))))
        #expect(!(try #require(IPPrefix("::/0")).contains(try #require(IPAddress("1.2.3.4")))))
        #expect(IPPrefix(address: .v4(0), length: 33) == nil && IPPrefix(address: .v4(0), length: -1) == nil)
    }

    /// The reference: compare the first `length` bits of the network bytes one by one.
    static func referenceContains(_ prefix: IPPrefix, _ address: IPAddress) -> Bool {
        guard prefix.address.family == address.family else { return false }
        let a = prefix.address.networkBytes, b = address.networkBytes
        return (0..<prefix.length).allSatisfy { bit in
            (a[bit / 8] ^ b[bit / 8]) & (0x80 >> UInt8(bit % 8)) == 0
        }
    }

    @Test("contains and network agree with a bit-by-bit reference at every length")
    func propertyAgainstReference() throws {
        var random = SeededGenerator(seed: 0x7072_6566_6978)
        for _ in 0..<4000 {
            let address = IPAddressTests.randomAddress(&random)
            let length = Int.random(in: 0...address.family.bitWidth, using: &random)
            let prefix = try #require(IPPrefix(address: address, length: length))
            // A candidate that shares a random number of leading bits with the prefix address.
            var bytes = address.networkBytes
            let flip = Int.random(in: 0..<address.family.bitWidth, using: &random)
            bytes[flip / 8] ^= 0x80 >> UInt8(flip % 8)
            let candidate = try #require(IPAddress(networkBytes: bytes))
            #expect(prefix.contains(candidate) == Self.referenceContains(prefix, candidate), "\(prefix) \(candidate)")
            #expect(prefix.contains(candidate) == (flip >= length))
            let network = prefix.network
            #expect(Self.referenceContains(prefix, network))
            let hostBits = network.networkBytes.enumerated().allSatisfy { index, byte in
                (0..<8).allSatisfy { bit in index * 8 + bit < length || byte & (0x80 >> UInt8(bit)) == 0 }
            }
            #expect(hostBits)
            #expect(IPPrefix(prefix.description) == prefix)
        }
    }
}
