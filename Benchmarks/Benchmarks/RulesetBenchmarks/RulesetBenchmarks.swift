import Benchmark
import Foundation
import NFScope

/// Ruleset read + decode + render, over a live namespace prepared by run-ruleset.sh (NFSCOPE_BENCH_NETNS,
/// needs root), and the decoder alone over recorded kernel messages (no root).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident],
        maxDuration: .seconds(20),
        maxIterations: 5
    )

    if let payloads = RecordedRules.payloads() {
        Benchmark("decode recorded kube-proxy rules (x1000)",
                  configuration: .init(maxDuration: .seconds(3), maxIterations: 1000)) { benchmark in
            for _ in benchmark.scaledIterations {
                for _ in 0..<1000 {
                    for payload in payloads {
                        let message = NetlinkMessage(header: NetlinkHeader(length: UInt32(16 + payload.count),
                                                                           type: NFTMessage.newRule.netlinkType,
                                                                           flags: .multipart), payload: payload[...])
                        blackHole(try Rule(message: message))
                    }
                }
            }
        }
    }

    guard let namespace = ProcessInfo.processInfo.environment["NFSCOPE_BENCH_NETNS"] else { return }
    Benchmark("iptables rendering of \(namespace) (read + decode + render)") { benchmark in
        for _ in benchmark.scaledIterations {
            let (reader, _) = try RulesetSource.reader(for: .spec(namespace))
            var bytes = 0
            var writer: IptablesSaveWriter?
            try reader.stream(RulesetFilter(family: .ip), order: { IptablesSaveWriter.chainOrderIndices($0, family: .ip) }) { event in
                switch event {
                case .structure(let structure): writer = IptablesSaveWriter(structure: structure, family: .ip) { bytes += $0.utf8.count }
                case .rules(let chain, let rules): writer?.write(chain: chain, rules: rules)
                case .restart: bytes = 0
                }
            }
            writer?.finish()
            blackHole(bytes)
        }
    }
    // What `nfscope ruleset --format iptables` does: chains read and rendered on two connections, most rules
    // straight from their messages.
    Benchmark("iptables rendering of \(namespace), parallel read on 2 connections") { benchmark in
        for _ in benchmark.scaledIterations {
            let session = try RulesetSource.session(for: .spec(namespace), readingLegacy: false, parallelReaders: 2)
            var bytes = 0
            var writer: IptablesSaveWriter?
            try session.reader.stream(RulesetFilter(family: .ip), order: { IptablesSaveWriter.chainOrderIndices($0, family: .ip) },
                                      on: session.readConnections, structure: { structure in
                let made = IptablesSaveWriter(structure: structure, family: .ip) { bytes += $0.utf8.count }
                writer = made
                return IptablesSaveWriter.chainWork([.ip: made])
            }, chain: { chain, part in
                writer?.write(chain: chain, renderedBytes: part)
            }, restart: { _ in bytes = 0 })
            writer?.finish()
            blackHole(bytes)
        }
    }
    Benchmark("nft rendering of \(namespace) (read + decode + render)") { benchmark in
        for _ in benchmark.scaledIterations {
            let (reader, _) = try RulesetSource.reader(for: .spec(namespace))
            var bytes = 0
            var writer: NFTRulesetWriter?
            try reader.stream(RulesetFilter()) { event in
                switch event {
                case .structure(let structure): writer = NFTRulesetWriter(structure: structure) { bytes += $0.utf8.count }
                case .rules(let chain, let rules): writer?.write(chain: chain, rules: rules)
                case .restart: bytes = 0
                }
            }
            writer?.finish()
            blackHole(bytes)
        }
    }
}

/// The kernel-recorded rule payloads of Tests/Fixtures/netlink/kube-proxy-rules.hex.
enum RecordedRules {
    static func payloads() -> [[UInt8]]? {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Tests/Fixtures/netlink/kube-proxy-rules.hex")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            stride(from: 0, to: line.count, by: 2).map { offset in
                let start = line.index(line.startIndex, offsetBy: offset)
                return UInt8(line[start..<line.index(start, offsetBy: 2)], radix: 16) ?? 0
            }
        }
    }
}
