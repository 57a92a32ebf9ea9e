import Foundation
import NetCore
@testable import NFScope
import NFTables
import Netlink
import RulesetCorpus
import Simulator
import Testing
import TestLab

/// The trace reads a chain's rules as raw messages and decodes only those whose key can match the packet.
/// Judged on rules the kernel holds: the raw key equals the decoded rule's key for every rule of
/// kube-proxy iptables-mode and nftables-mode rulesets and of hand-picked near misses; and whole traces
/// read lazily (keyed, undecoded rules skipped) equal traces over the fully read ruleset.
@Suite("raw rule keys and lazy traces, on rules the kernel holds", .serialized,
       .enabled(if: Shell.isRoot, "needs root: creates network namespaces and loads rulesets"))
struct RawRuleKeyKernelTests {
    static let nearMisses = """
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :MISS - [0:0]
        -A MISS -d 10.0.0.1/32 -p tcp -m tcp --dport 80 -j ACCEPT
        -A MISS -d 10.0.0.0/24 -p tcp -m tcp --dport 80 -j ACCEPT
        -A MISS -d 10.0.0.1/32 -p tcp -m tcp ! --dport 80 -j ACCEPT
        -A MISS ! -d 10.0.0.1/32 -p tcp -m tcp --dport 80 -j ACCEPT
        -A MISS -d 10.0.0.1/32 -p tcp -m tcp --dport 80:90 -j ACCEPT
        -A MISS -d 10.0.0.1/32 -p udp -m udp --dport 53 -m comment --comment "dns" -j ACCEPT
        -A MISS -s 10.0.0.1/32 -p tcp -m tcp --dport 80 -j ACCEPT
        -A MISS -d 10.0.0.1/32 -p tcp -m tcp --sport 80 -j ACCEPT
        -A MISS -d 10.0.0.1/32 -p tcp -j ACCEPT
        -A MISS -p tcp -m tcp --dport 80 -d 10.0.0.1/32 -j ACCEPT
        -A MISS -m mark --mark 0x1 -d 10.0.0.1/32 -p tcp -m tcp --dport 80 -j ACCEPT
        -A MISS -d 10.0.0.1/32 -p tcp -m tcp --dport 80 -m mark --mark 0x1 -j ACCEPT
        -A MISS -j ACCEPT
        COMMIT
        """

    static let nftNearMisses = """
        table ip raw6 {
          chain c {
            ip daddr 10.0.0.1 tcp dport 80 accept
            ip daddr . tcp dport { 10.0.0.1 . 80 } accept
            meta l4proto tcp ip daddr 10.0.0.1 th dport 80 counter accept
            ip daddr 10.0.0.1 meta l4proto udp udp dport 53 meta mark set 1 accept
            tcp dport 80 ip daddr != 10.0.0.1 accept
          }
        }
        """

    @Test func rawKeysEqualDecodedKeys() throws {
        try withLab { lab in
            let namespace = try lab.namespace("rawkey")
            try namespace.loadIptables(KubeProxyIptablesCorpus.generate(services: 400))
            try namespace.loadIptables(Self.nearMisses.replacingOccurrences(of: "*filter", with: "*mangle"))
            try namespace.loadNft(KubeProxyNFTCorpus.generate(services: 100))
            try namespace.loadNft(Self.nftNearMisses)
            let reader = try RulesetSource.reader(for: .spec(namespace.name)).reader
            let structure = try reader.snapshot().structure
            var keyed = 0, unkeyed = 0
            for chain in structure.chains {
                var messages: [NetlinkMessage] = []
                #expect(try reader.dumpRuleMessages(of: chain, into: &messages) == nil)
                for message in messages {
                    let rule = try Rule(message: message)
                    let raw = RawRuleKey.key(of: message, family: chain.family)
                    let decoded = RuleKey(rule: rule)
                    #expect(raw == decoded, "\(chain.table)/\(chain.name) handle \(rule.handle): raw \(String(describing: raw)), decoded \(String(describing: decoded))")
                    if decoded == nil { unkeyed += 1 } else { keyed += 1 }
                }
            }
            #expect(keyed > 400)
            #expect(unkeyed > 400)
        }
    }

    @Test func truncatedRuleMessagesHaveNoKey() throws {
        try withLab { lab in
            let namespace = try lab.namespace("rawcut")
            try namespace.loadIptables(Self.nearMisses)
            let reader = try RulesetSource.reader(for: .spec(namespace.name)).reader
            let chain = Chain(family: .ip, table: "filter", name: "MISS")
            var messages: [NetlinkMessage] = []
            _ = try reader.dumpRuleMessages(of: chain, into: &messages)
            let full = try #require(messages.first)
            #expect(RawRuleKey.key(of: full, family: .ip) != nil)
            // Every cut, and every corrupted byte, gives either the true key or none: never a wrong one.
            let truth = RawRuleKey.key(of: full, family: .ip)
            for length in 0..<full.payload.count {
                let cut = NetlinkMessage(header: full.header, payload: full.payload.prefix(length))
                let key = RawRuleKey.key(of: cut, family: .ip)
                #expect(key == nil || key == truth)
            }
            var generator = SystemRandomNumberGenerator()
            for _ in 0..<2000 {
                var bytes = Array(full.payload)
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                let key = RawRuleKey.key(of: NetlinkMessage(header: full.header, payload: bytes[...]), family: .ip)
                if let key, key != truth, let rule = try? Rule(message: NetlinkMessage(header: full.header, payload: bytes[...])) {
                    // A corrupted value byte may name another key: then the decoded rule must agree.
                    #expect(RuleKey(rule: rule) == key)
                }
            }
        }
    }

    @Test func lazyTracesEqualEagerTraces() throws {
        try withLab { lab in
            let node = try lab.namespace("lznode")
            let pod = try lab.namespace("lzpod")
            try lab.veth(node, "veth-pod", addresses: ["10.42.0.1/24"], pod, "eth0", addresses: ["10.42.0.10/24"])
            try pod.exec(["ip", "route", "add", "default", "via", "10.42.0.1"])
            try node.sysctl("net.ipv4.ip_forward=1")
            let services = 200
            try node.loadIptables(KubeProxyIptablesCorpus.generate(services: services))
            var compared = 0
            for index in stride(from: 0, to: services, by: 7) {
                let service = KubeProxyService(index: index)
                let lazy = try NetworkModelReader(lazyRules: true).read(from: pod.path)
                let eager = try NetworkModelReader(lazyRules: false).read(from: pod.path)
                let request = TraceRequest(namespace: lazy.start, proto: service.proto == "udp" ? .udp : .tcp,
                                           destination: try #require(IPAddress(service.clusterIP)),
                                           destinationPort: UInt16(service.port))
                let a = try PathSimulator(network: lazy.model, render: Tracer.render).trace(request)
                let b = try PathSimulator(network: eager.model, render: Tracer.render).trace(request)
                #expect(a.outcome == b.outcome, "\(service.clusterIP):\(service.port)")
                #expect(a.trace == b.trace, "\(service.clusterIP):\(service.port)")
                compared += 1
            }
            #expect(compared > 20)
        }
    }
}
