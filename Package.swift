// swift-tools-version: 6.1
// nfscope: reads netfilter state from the Linux kernel over netlink and explains what it does to a packet.
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "nfscope",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "NFScope", targets: ["NFScope"]),
        .executable(name: "nfscope", targets: ["nfscope"]),
        // Generated kube-proxy rulesets, for the benchmark package (test support, not part of the tool).
        .library(name: "RulesetCorpus", targets: ["RulesetCorpus"]),
        // The same kube-proxy rulesets as typed simulator models (no kernel needed), for the simulator benchmarks.
        .library(name: "SimulatorCorpus", targets: ["SimulatorCorpus"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
    ],
    targets: [
        // Thin C layer: module maps and shims over the Debian -dev packages.
        .systemLibrary(name: "CMNL", path: "Sys/CMNL", pkgConfig: "libmnl",
                       providers: [.apt(["libmnl-dev"])]),
        .systemLibrary(name: "CNFTNL", path: "Sys/CNFTNL", pkgConfig: "libnftnl",
                       providers: [.apt(["libnftnl-dev"])]),
        .systemLibrary(name: "CNetfilterConntrack", path: "Sys/CNetfilterConntrack",
                       pkgConfig: "libnetfilter_conntrack",
                       providers: [.apt(["libnetfilter-conntrack-dev"])]),
        // A cache-prefetch hint for the compiled matcher (header only, nothing to link).
        .systemLibrary(name: "CPrefetch", path: "Sys/CPrefetch"),

        // Value types shared by every layer: addresses, prefixes, namespace identity, typed errors.
        .target(name: "NetCore",
                dependencies: [.product(name: "SystemPackage", package: "swift-system")],
                swiftSettings: strict),
        // Netlink sockets, message and attribute codecs, request/ack and dump loops.
        .target(name: "Netlink",
                dependencies: ["NetCore", "CMNL", .product(name: "SystemPackage", package: "swift-system")],
                swiftSettings: strict),
        // Network namespace handles and work on a dedicated setns thread.
        .target(name: "NetNS",
                dependencies: ["NetCore", "Netlink", "CMNL",
                               .product(name: "SystemPackage", package: "swift-system")],
                swiftSettings: strict),
        // x_tables extension payloads (iptables-nft compat match/target blobs, iptables-legacy entries):
        // decoders by name+revision and their iptables-save renderings. Pure Swift, no C.
        .target(name: "Xtables", dependencies: ["NetCore"], swiftSettings: strict),
        // iptables-legacy: x_tables tables read over getsockopt without creating any, decoded in Swift,
        // rendered as iptables-legacy-save prints them; split-backend report.
        .target(name: "Legacy", dependencies: ["NetCore", "Netlink", "NetNS", "Xtables",
                                               .product(name: "SystemPackage", package: "swift-system")],
                swiftSettings: strict),
        // rtnetlink: links, addresses, routes, policy rules, neighbours, netns ids; routing sysctls.
        .target(name: "Route", dependencies: ["NetCore", "Netlink", "NetNS"], swiftSettings: strict),
        // Kubernetes targets by name (pod:, svc:, node, IP:PORT, netns:, pid:), resolved from the container
        // runtime's state on disk and kube-proxy's rules, without an API server.
        .target(name: "Kubernetes", dependencies: ["NetCore", "Netlink", "NetNS", "Route"], swiftSettings: strict),
        // The incident lab: a K3s-like node built out of throwaway namespaces, kube-proxy rules and faults.
        // It runs ip/sysctl/iptables-nft-restore/nft to BUILD state, never to read it.
        .target(name: "DemoLab", dependencies: ["NetCore"], swiftSettings: strict),
        // sock_diag: sockets of a namespace (listeners for the simulator), decoded in Swift.
        .target(name: "SockDiag", dependencies: ["NetCore", "Netlink"], swiftSettings: strict),
        // Connection tracking: flows, filters, streaming dumps, get, stats, events and deletion over ctnetlink.
        .target(name: "Conntrack", dependencies: ["NetCore", "Netlink", "NetNS"], swiftSettings: strict),
        // nf_tables objects and expressions decoded in Swift, and a consistent per-chain ruleset reader.
        .target(name: "NFTables", dependencies: ["NetCore", "Netlink"], swiftSettings: strict),
        // nft and iptables-save renderings of an nf_tables ruleset.
        .target(name: "Render", dependencies: ["NFTables", "Xtables", "NetCore", "Netlink"], swiftSettings: strict),
        // Packet path simulation: the reference interpreter over nf_tables expressions, routing, namespace paths.
        .target(name: "Simulator", dependencies: ["NetCore", "NFTables", "Xtables", "Route", "CPrefetch"], swiftSettings: strict),
        // The public library API.
        .target(name: "NFScope",
                dependencies: ["NetCore", "Netlink", "NetNS", "Route", "Conntrack", "NFTables", "Render", "Simulator",
                               "Xtables", "Legacy", "Kubernetes", "SockDiag",
                               .product(name: "SystemPackage", package: "swift-system")],
                swiftSettings: strict),
        // The command-line tool: flags in, NFScope calls, text or JSON out, exit codes.
        .executableTarget(name: "nfscope",
                          dependencies: ["NFScope", "DemoLab", "Legacy", "Kubernetes",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: strict),

        // Test support: throwaway namespaces, veths, bridges, rule loading, listeners, connections.
        .target(name: "TestLab", dependencies: ["NetNS"], path: "Tests/TestLab", swiftSettings: strict),
        // Generated rulesets (kube-proxy iptables and nftables modes) for differential tests and benchmarks.
        .target(name: "RulesetCorpus", path: "Tests/RulesetCorpus", swiftSettings: strict),
        // Kube-proxy nodes as typed NamespaceModels, rules as iptables-nft stores them (tests and benchmarks).
        .target(name: "SimulatorCorpus", dependencies: ["Simulator", "NFTables", "Route", "NetCore", "RulesetCorpus"],
                path: "Tests/SimulatorCorpus", swiftSettings: strict),
        .testTarget(name: "NFTablesTests", dependencies: ["NFTables", "Netlink", "NetCore", "NetlinkTesting"],
                    swiftSettings: strict),
        .testTarget(name: "RenderTests", dependencies: ["Render", "NFTables", "Netlink", "NetCore", "NetlinkTesting"],
                    swiftSettings: strict),
        .testTarget(name: "XtablesTests", dependencies: ["Xtables", "NetCore", "NetlinkTesting"], swiftSettings: strict),
        // Test support: a scripted netlink transport (request datagrams in, reply datagrams out) and reply builders.
        .target(name: "NetlinkTesting",
                dependencies: ["Netlink", "NetCore", .product(name: "SystemPackage", package: "swift-system")],
                path: "Tests/NetlinkTesting", swiftSettings: strict),
        .testTarget(name: "NetlinkTests",
                    dependencies: ["Netlink", "NetCore", "NetlinkTesting",
                                   .product(name: "SystemPackage", package: "swift-system")],
                    swiftSettings: strict),
        .testTarget(name: "LegacyTests", dependencies: ["Legacy", "Xtables", "NetCore", "Netlink", "NetlinkTesting"],
                    swiftSettings: strict),
        .testTarget(name: "SimulatorTests", dependencies: ["Simulator", "NFTables", "Xtables", "Route", "NetCore", "Netlink",
                                                           "SimulatorCorpus", "NetlinkTesting"],
                    swiftSettings: strict),
        .testTarget(name: "RouteTests", dependencies: ["Route", "Netlink", "NetCore", "NetlinkTesting"], swiftSettings: strict),
        .testTarget(name: "SockDiagTests", dependencies: ["SockDiag", "Netlink", "NetCore", "NetlinkTesting"],
                    swiftSettings: strict),
        .testTarget(name: "KubernetesTests", dependencies: ["Kubernetes", "NetCore"], swiftSettings: strict),
        .testTarget(name: "ConntrackTests",
                    dependencies: ["Conntrack", "Netlink", "NetCore", "NetlinkTesting",
                                   .product(name: "SystemPackage", package: "swift-system")],
                    swiftSettings: strict),
        .testTarget(name: "IntegrationTests",
                    dependencies: ["NFScope", "NetNS", "Netlink", "Route", "NetCore", "TestLab", "NFTables", "Render", "RulesetCorpus", "SimulatorCorpus", "NetlinkTesting",
                                   "Simulator", "Xtables", "CNFTNL", "Conntrack", "Kubernetes", "DemoLab", "Legacy", "SockDiag"],
                    swiftSettings: strict),
    ]
)
