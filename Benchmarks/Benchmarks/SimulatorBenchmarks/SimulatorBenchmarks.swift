import Benchmark
import Foundation
import MallocInterposerSwift
import NetCore
import Simulator
import SimulatorCorpus

/// Simulated packets per second for new pod → ClusterIP flows over kube-proxy iptables-mode rulesets
/// (the node's PREROUTING, routing, FORWARD and POSTROUTING with NAT; no way back, no listener lookup),
/// by the compiled hot path and by the interpreter; mallocs per packet; compile time. The guard benchmark
/// fails the run when the compiled/interpreter ratio at 10,000 services drops below 20× or the hot path
/// allocates (ratios and counts, not wall time).
let benchmarks: @Sendable () -> Void = {
    let sizes = [1_000, 10_000, 20_000, 50_000]
    for size in sizes {
        Benchmark("compiled packet, \(size) services",
                  configuration: .init(metrics: [.throughput, .wallClock, .mallocCountTotal, .instructions],
                                       warmupIterations: 1, scalingFactor: .kilo, maxDuration: .seconds(2), maxIterations: 200,
                                       thresholds: [.mallocCountTotal: .init(absolute: [.p0: 0, .p50: 0, .p100: 0])])) { benchmark in
            let fixture = SimulatorFixture.of(size)
            let base = fixture.take(benchmark.scaledIterations.count)
            benchmark.startMeasurement()
            for i in benchmark.scaledIterations { blackHole(fixture.compiled(base + i)) }
            benchmark.stopMeasurement()
        }
        Benchmark("interpreted packet, \(size) services",
                  configuration: .init(metrics: [.throughput, .wallClock, .mallocCountTotal], warmupIterations: 1,
                                       maxDuration: .seconds(2), maxIterations: 200)) { benchmark in
            let fixture = SimulatorFixture.of(size)
            let base = fixture.take(benchmark.scaledIterations.count)
            benchmark.startMeasurement()
            for i in benchmark.scaledIterations { blackHole(fixture.interpreted(base + i)) }
            benchmark.stopMeasurement()
        }
        Benchmark("compile, \(size) services",
                  configuration: .init(metrics: [.wallClock, .peakMemoryResident], warmupIterations: 0,
                                       maxDuration: .seconds(5), maxIterations: 3)) { benchmark in
            let model = SimulatorFixture.of(size).network.namespaces[KubeProxyNodeModel.node]!
            benchmark.startMeasurement()
            let node = CompiledNode(model: model)
            benchmark.stopMeasurement()
            blackHole(node)  // freed outside the measurement
        }
    }

    Benchmark("guard: compiled ≥ 20× interpreter at 10,000 services, 0 mallocs per packet",
              configuration: .init(metrics: [.wallClock], warmupIterations: 0, maxDuration: .seconds(60), maxIterations: 1)) { benchmark in
        let start = ContinuousClock.now
        let fixture = SimulatorFixture.of(10_000)
        let built = ContinuousClock.now - start
        var report = SimulatorGuard.check(fixture)
        report.text += "; fixture built in \(built)"
        // The runner suppresses the benchmark's output: the figures go to a file as well as to the failure.
        try? (report.text + "\n").write(toFile: "/tmp/nfscope-simulator-guard.txt", atomically: true, encoding: .utf8)
        if let failure = report.failure {
            benchmark.error(failure)
            // The runner reports an error but still exits 0: end the process so that CI fails.
            FileHandle.standardError.write(Data("simulator guard failed: \(failure)\n".utf8))
            exit(1)
        }
    }
}

/// The CI check: per-packet cost ratio and allocation count, measured in-process.
enum SimulatorGuard {
    struct Report {
        var text: String
        var failure: String?
    }

    static func check(_ fixture: SimulatorFixture) -> Report {
        let clock = ContinuousClock()
        let compiledPackets = 200_000, interpretedPackets = 100
        for i in 0..<10_000 { blackHole(fixture.compiled(i)) }
        for i in 0..<5 { blackHole(fixture.interpreted(i)) }
        var compiled = clock.measure { for i in 0..<compiledPackets { blackHole(fixture.compiled(i)) } }
        compiled = min(compiled, clock.measure { for i in 0..<compiledPackets { blackHole(fixture.compiled(i)) } })
        let interpreted = clock.measure { for i in 0..<interpretedPackets { blackHole(fixture.interpreted(i)) } }
        let compiledPer = Double(compiled.components.attoseconds) / 1e18 + Double(compiled.components.seconds)
        let interpretedPer = Double(interpreted.components.attoseconds) / 1e18 + Double(interpreted.components.seconds)
        let ratio = (interpretedPer / Double(interpretedPackets)) / (compiledPer / Double(compiledPackets))

        MallocInterposerSwift.hook()
        MallocInterposerSwift.reset()
        for i in 0..<10_000 { blackHole(fixture.compiled(i)) }
        let mallocs = MallocInterposerSwift.getStatistics().mallocCount
        // The counter must see the interpreter's allocations, or a zero above proves nothing.
        MallocInterposerSwift.reset()
        blackHole(fixture.interpreted(0))
        let interpreterMallocs = MallocInterposerSwift.getStatistics().mallocCount
        MallocInterposerSwift.unhook()

        let fallbacks = (0..<SimulatorFixture.poolSize).filter { if case .needsInterpreter = fixture.compiled($0).kind { return true }; return false }.count
        var text = "simulator guard at \(fixture.services) services: compiled \(Int(Double(compiledPackets) / compiledPer)) packets/s, "
        text += "interpreted \(Int(Double(interpretedPackets) / interpretedPer)) packets/s, ratio \(Int(ratio))×, "
        text += "\(mallocs) mallocs in 10,000 compiled packets (\(interpreterMallocs) in one interpreted), \(fallbacks) of \(SimulatorFixture.poolSize) packets needed the interpreter"
        var failures: [String] = []
        // NFSCOPE_SIM_GUARD_MIN_RATIO raises the bar (to check that the guard fails the run).
        let minimum = ProcessInfo.processInfo.environment["NFSCOPE_SIM_GUARD_MIN_RATIO"].flatMap(Double.init) ?? 20
        if ratio < minimum { failures.append("compiled/interpreter ratio \(ratio) is below \(minimum)") }
        if interpreterMallocs == 0 { failures.append("the malloc counter saw no allocation in an interpreted packet: it is not counting") }
        if mallocs > 0 { failures.append("the compiled hot path allocated \(mallocs) times in 10,000 packets") }
        if fallbacks > 0 { failures.append("\(fallbacks) packets fell back to the interpreter") }
        return Report(text: text, failure: failures.isEmpty ? nil : failures.joined(separator: "; "))
    }
}
