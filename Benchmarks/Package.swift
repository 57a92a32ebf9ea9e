// swift-tools-version: 6.1
// Benchmarks live in their own package so that building and testing nfscope never compiles benchmark
// dependencies. Run: `swift package benchmark` here (see the Makefile's bench-short).
import PackageDescription

/// A benchmark executable under Benchmarks/NAME: the benchmark library, NFScope, and any extra products.
func benchmark(_ name: String, extra: [Target.Dependency] = []) -> Target {
    .executableTarget(
        name: name,
        dependencies: [
            .product(name: "Benchmark", package: "benchmark"),
            .product(name: "NFScope", package: "nfscope"),
        ] + extra,
        path: "Benchmarks/\(name)",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}

let package = Package(
    name: "nfscope-benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "nfscope", path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
        // The interposer the benchmark package uses, for the simulator guard's own malloc count.
        .package(url: "https://github.com/ordo-one/malloc-interposer.git", from: "1.5.0"),
    ],
    targets: [
        // Walking netlink dump batches: the floor under every reader.
        benchmark("NetlinkBenchmarks"),
        // Conntrack decoding and JSON formatting; the end-to-end comparison is run-conntrack.sh.
        benchmark("ConntrackBenchmarks"),
        // Read + decode + render a namespace's ruleset (prepared by run-ruleset.sh), and decoding offline.
        benchmark("RulesetBenchmarks"),
        // Simulated packets per second (compiled hot path and interpreter), mallocs per packet, compile time,
        // and the CI guard on the compiled/interpreter ratio and allocations.
        benchmark("SimulatorBenchmarks", extra: [
            .product(name: "MallocInterposerSwift", package: "malloc-interposer"),
            .product(name: "SimulatorCorpus", package: "nfscope"),
        ]),
        // Prints a generated kube-proxy ruleset: `ruleset-corpus iptables|nft SERVICES`.
        .executableTarget(
            name: "ruleset-corpus",
            dependencies: [.product(name: "RulesetCorpus", package: "nfscope")],
            path: "Sources/ruleset-corpus"
        ),
    ]
)
