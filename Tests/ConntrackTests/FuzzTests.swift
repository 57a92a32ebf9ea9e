import Conntrack
import NetCore
import Netlink
import Testing
import NetlinkTesting

@Suite("malformed ctnetlink bytes give DecodeError, never a trap")
struct FuzzTests {
    static let goldens = [Golden.tcpDNAT, Golden.udpZone5, Golden.icmpv6Echo, Golden.dccpOpenHandBuilt,
                          Golden.tcpIPv6SynSent, Golden.greKeys]

    @Test("every truncation of every golden payload")
    func truncations() throws {
        for hex in Self.goldens {
            let payload = Array(try goldenMessage(hex).payload)
            for length in 0..<payload.count {
                _ = try? Flow(nfnetlinkPayload: payload[0..<length])
            }
        }
    }

    @Test("100,000 random mutations: flipped bytes, lengths and types")
    func mutations() throws {
        var generator = SeededGenerator(seed: 0x5eed)
        var decoded = 0, rejected = 0
        for round in 0..<100_000 {
            var payload = Array(try goldenMessage(Self.goldens[round % Self.goldens.count]).payload)
            for _ in 0..<(1 + Int(generator.next() % 4)) {
                let index = Int(generator.next() % UInt64(payload.count))
                payload[index] = UInt8(truncatingIfNeeded: generator.next())
            }
            do {
                _ = try Flow(nfnetlinkPayload: payload[...])
                decoded += 1
            } catch {
                rejected += 1
            }
        }
        #expect(decoded + rejected == 100_000)
        #expect(rejected > 0)
    }

    @Test("random bytes after a valid nfgenmsg")
    func randomBytes() {
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<20_000 {
            let count = Int(generator.next() % 200)
            let payload = [2, 0, 0, 0] + (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            _ = try? Flow(nfnetlinkPayload: payload[...])
        }
    }
}

