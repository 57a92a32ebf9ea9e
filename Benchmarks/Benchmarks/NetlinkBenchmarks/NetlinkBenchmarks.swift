import Benchmark
import NFScope

/// The cost of walking netlink dumps: every message split and every attribute visited, lengths validated,
/// no copies. This is the floor under every reader (conntrack, rules, routes), so it must not allocate.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        maxDuration: .seconds(2),
        maxIterations: 100_000
    )

    let datagram = SyntheticDump.datagram(messages: 200, attributesPerMessage: 12)

    Benchmark("walk 200 messages x 12 attributes (one 32 KiB dump batch)",
              configuration: .init(thresholds: [.mallocCountTotal: .init(absolute: [.p90: 0])])) { benchmark in
        for _ in benchmark.scaledIterations {
            var sum: UInt64 = 0
            for message in NetlinkMessageSequence(datagram[...]) {
                let attributes = try message.attributes(afterFamilyHeader: 4, path: "bench")
                var cursor = attributes.makeCursor()
                while let attribute = try cursor.next() { sum &+= UInt64(try attribute.u32()) }
            }
            blackHole(sum)
        }
    }
}

/// Builds a datagram like a conntrack or rule dump batch: messages with a 4-byte family header and
/// fixed-size attributes.
enum SyntheticDump {
    static func datagram(messages: Int, attributesPerMessage: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for index in 0..<messages {
            var request = NetlinkRequest(type: 0x100, flags: .multipart, familyHeader: [2, 0, 0, 0])
            for attribute in 0..<attributesPerMessage { request.append(UInt16(attribute + 1), u32: UInt32(index * attribute)) }
            bytes += request.encoded(sequence: 7, portID: 42)
        }
        return bytes
    }
}
