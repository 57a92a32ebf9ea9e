import Benchmark
import NFScope

/// The Swift side of `nfscope conntrack list`: decoding ctnetlink messages into flows, filtering them and
/// formatting JSON lines, on synthetic dump batches (no root needed, so CI runs it). The end-to-end
/// comparison with `conntrack -L` and the C floor, with a real kernel table, is `Benchmarks/run-conntrack.sh`.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal, .peakMemoryResident],
        maxDuration: .seconds(2),
        maxIterations: 1000
    )

    let batches = SyntheticConntrackDump.batches(flows: 10_000)

    // Thresholds on allocations, not time (the machine has no instruction counters and is shared): decoding
    // allocates nothing per flow, and streaming JSON reuses one buffer.
    let fewMallocs = Benchmark.Configuration(thresholds: [.mallocCountTotal: .init(absolute: [.p90: 100])])

    Benchmark("decode 10,000 flows", configuration: fewMallocs) { benchmark in
        for _ in benchmark.scaledIterations {
            var ports: UInt64 = 0
            for batch in batches {
                for message in NetlinkMessageSequence(batch[...]) {
                    ports &+= UInt64(try Flow(message: message).original.destinationPort ?? 0)
                }
            }
            blackHole(ports)
        }
    }

    Benchmark("decode 10,000 flows, keep the 5,000 TCP ones, format them as JSON lines",
              configuration: fewMallocs) { benchmark in
        let filter = ConntrackFilter(l4Protocol: .tcp)
        var output: [UInt8] = []
        output.reserveCapacity(80 << 10)
        for _ in benchmark.scaledIterations {
            var written = 0
            for batch in batches {
                for message in NetlinkMessageSequence(batch[...]) {
                    let flow = try Flow(message: message)
                    guard filter.matches(flow) else { continue }
                    flow.appendJSONLine(to: &output)
                    output.append(UInt8(ascii: "\n"))
                    // What the CLI's writer does: hand 64 KiB to write(2), keep the buffer.
                    if output.count >= 64 << 10 { written &+= output.count; output.removeAll(keepingCapacity: true) }
                }
            }
            blackHole(written)
        }
    }
}

/// Dump batches shaped like the kernel's (`ctnetlink_fill_info`): 32 KiB datagrams of IPCTNL_MSG_CT_NEW
/// messages with both tuples, status, TCP state, timeout, mark, use and id.
enum SyntheticConntrackDump {
    static func batches(flows: Int) -> [[UInt8]] {
        var batches: [[UInt8]] = [], current: [UInt8] = []
        for index in 0..<flows {
            let message = self.message(index)
            if current.count + message.count > 32 << 10 { batches.append(current); current = [] }
            current += message
        }
        batches.append(current)
        return batches
    }

    static func message(_ index: Int) -> [UInt8] {
        var request = NetlinkRequest(type: 0x100, flags: .multipart, familyHeader: [2, 0, 0, 0])
        let client = IPAddress.v4(0x0a00_0000 | UInt32(index)), server = IPAddress.v4(0x0a2b_0000 | UInt32(index % 250))
        let sport = UInt16(1024 + index % 60_000), dport: UInt16 = index % 2 == 0 ? 53 : 443
        let proto: UInt8 = index % 2 == 0 ? 17 : 6
        tuple(&request, 1, client, server, proto, sport, dport)
        tuple(&request, 2, server, client, proto, dport, sport)
        request.append(3, u32BigEndian: 0x0e)        // CTA_STATUS
        if proto == 6 {
            request.beginNest(4)                     // CTA_PROTOINFO
            request.beginNest(1)                     // CTA_PROTOINFO_TCP
            request.append(1, bytes: [3])            // ESTABLISHED
            request.endNest()
            request.endNest()
        }
        request.append(7, u32BigEndian: 3599)        // CTA_TIMEOUT
        request.append(8, u32BigEndian: UInt32(index % 4))  // CTA_MARK
        request.append(11, u32BigEndian: 1)          // CTA_USE
        request.append(12, u32BigEndian: UInt32(index))     // CTA_ID
        return request.encoded(sequence: 1, portID: 42)
    }

    static func tuple(_ request: inout NetlinkRequest, _ type: UInt16, _ source: IPAddress, _ destination: IPAddress,
                      _ proto: UInt8, _ sport: UInt16, _ dport: UInt16) {
        request.beginNest(type)
        request.beginNest(1)                         // CTA_TUPLE_IP
        request.append(1, bytes: source.networkBytes)
        request.append(2, bytes: destination.networkBytes)
        request.endNest()
        request.beginNest(2)                         // CTA_TUPLE_PROTO
        request.append(1, bytes: [proto])
        request.append(2, bytes: [UInt8(sport >> 8), UInt8(sport & 0xff)])
        request.append(3, bytes: [UInt8(dport >> 8), UInt8(dport & 0xff)])
        request.endNest()
        request.endNest()
    }
}
