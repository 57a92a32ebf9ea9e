// swift-tools-version: 6.1
// Benchmarks live in their own package so that building and testing nfscope never compiles benchmark
// dependencies. Run: `swift package benchmark` here (see the Makefile's bench-short).
import PackageDescription

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
        .executableTarget(
            name: "NetlinkBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "NFScope", package: "nfscope"),
            ],
            path: "Benchmarks/NetlinkBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Conntrack decoding and JSON formatting; the end-to-end comparison is run-conntrack.sh.
        .executableTarget(
            name: "ConntrackBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "NFScope", package: "nfscope"),
            ],
            path: "Benchmarks/ConntrackBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Read + decode + render a namespace's ruleset (prepared by run-ruleset.sh), and decoding offline.
        .executableTarget(
            name: "RulesetBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "NFScope", package: "nfscope"),
            ],
            path: "Benchmarks/RulesetBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Simulated packets per second (compiled hot path and interpreter), mallocs per packet, compile time,
        // and the CI guard on the compiled/interpreter ratio and allocations.
        .executableTarget(
            name: "SimulatorBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "MallocInterposerSwift", package: "malloc-interposer"),
                .product(name: "NFScope", package: "nfscope"),
                .product(name: "SimulatorCorpus", package: "nfscope"),
            ],
            path: "Benchmarks/SimulatorBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Prints a generated kube-proxy ruleset: `ruleset-corpus iptables|nft SERVICES`.
        .executableTarget(
            name: "ruleset-corpus",
            dependencies: [.product(name: "RulesetCorpus", package: "nfscope")],
            path: "Sources/ruleset-corpus"
        ),
    ]
)
