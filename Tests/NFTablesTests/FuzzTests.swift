import Netlink
import NetCore
import NetlinkTesting
import NFTables
import Testing

/// Mutated and truncated kernel messages give a `DecodeError` or a value, never a trap. The bytes never
/// reach libnftnl (nothing in NFTables calls it for decoding).
@Suite("Fuzzed nf_tables messages")
struct FuzzTests {
    static func corpus() throws -> [[UInt8]] {
        try GoldenFixtures.payloads("kube-proxy-rules.hex") + GoldenFixtures.payloads("iptables-compat-rules.hex")
    }

    /// Decodes as every object kind; returns how many attempts threw DecodeError.
    @discardableResult
    static func decodeEverything(_ payload: [UInt8]) -> Int {
        var errors = 0
        func attempt(_ body: () throws -> Void) {
            do { try body() } catch is DecodeError { errors += 1 } catch { Issue.record("non-decode error \(error)") }
        }
        attempt { _ = try Rule(message: GoldenFixtures.message(.newRule, payload: payload)) }
        attempt { _ = try Chain(message: GoldenFixtures.message(.newChain, payload: payload)) }
        attempt { _ = try Table(message: GoldenFixtures.message(.newTable, payload: payload)) }
        attempt { _ = try NFTSet(message: GoldenFixtures.message(.newSet, payload: payload)) }
        attempt { _ = try SetElement.elements(message: GoldenFixtures.message(.newSetElement, payload: payload)) }
        attempt { _ = try StatefulObject(message: GoldenFixtures.message(.newObject, payload: payload)) }
        attempt { _ = try Flowtable(message: GoldenFixtures.message(.newFlowtable, payload: payload)) }
        return errors
    }

    @Test("every truncation of every golden rule decodes or fails cleanly")
    func truncations() throws {
        var failures = 0
        for payload in try Self.corpus() {
            for length in 0..<payload.count { failures += Self.decodeEverything(Array(payload.prefix(length))) }
        }
        #expect(failures > 0, "truncated attributes are reported")
    }

    @Test("10,000 random byte mutations decode or fail cleanly", arguments: [UInt64(1), 2, 3])
    func mutations(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        let corpus = try Self.corpus()
        for _ in 0..<3_334 {
            var payload = corpus[Int.random(in: 0..<corpus.count, using: &generator)]
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                let index = Int.random(in: 0..<payload.count, using: &generator)
                payload[index] = UInt8.random(in: 0...255, using: &generator)
            }
            Self.decodeEverything(payload)
        }
    }

    @Test("random garbage decodes or fails cleanly")
    func garbage() {
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<2_000 {
            let payload = (0..<Int.random(in: 0..<300, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            Self.decodeEverything(payload)
        }
    }
}
