import Foundation
import NetNS
import Netlink
import NFTables
import Testing
import TestLab

/// Records golden netlink messages for the NFTables unit tests: the raw `NFT_MSG_NEWRULE` (and set, chain,
/// object) messages the kernel sends for small rulesets, as hex with the producing commands in a header.
/// Runs only with `NFSCOPE_RECORD_GOLDEN=1` (it rewrites Tests/Fixtures/netlink/).
@Suite("Ruleset golden message recorder", .serialized,
       .enabled(if: Shell.isRoot && ProcessInfo.processInfo.environment["NFSCOPE_RECORD_GOLDEN"] != nil,
                "set NFSCOPE_RECORD_GOLDEN=1 as root to re-record golden messages"))
struct RulesetGoldenRecorder {
    static let cases: [(name: String, ruleset: String)] = [
        ("kube-proxy-rules", """
         table ip kp {
             map svc { type ipv4_addr . inet_proto . inet_service : verdict; }
             chain c { }
             chain r {
                 ip daddr 10.96.0.10 tcp dport 53 ip saddr != 10.0.0.0/8 meta mark set meta mark | 0x4000 counter
                 ip daddr . meta l4proto . th dport vmap @svc
                 numgen random mod 2 vmap { 0 : goto c, 1 : jump c }
                 fib daddr type local ct state established,related accept
                 meta l4proto tcp dnat to 10.180.0.1:80
                 iifname "eth*" udp sport 1000-2000 log prefix "x" limit rate 10/second reject
                 tcp dport 22 quota over 1 mbytes reject with tcp reset
             }
         }
         """),
        ("iptables-compat-rules", """
         *nat
         :KUBE-SVC - [0:0]
         -A KUBE-SVC -s 10.0.0.0/8 -p tcp -m comment --comment "ns/svc" -m tcp --dport 80 -j DNAT --to-destination 10.42.0.5:9090
         -A KUBE-SVC -m statistic --mode random --probability 0.5 -j MARK --set-xmark 0x4000/0x4000
         COMMIT
         """),
    ]

    @Test("record golden rule messages")
    func record() throws {
        let kernel = try Shell.run(["uname", "-r"]).trimmingCharacters(in: .whitespacesAndNewlines)
        for (name, ruleset) in Self.cases {
            try withLab { lab in
                let namespace = try lab.namespace("gold")
                if ruleset.hasPrefix("*") { try namespace.loadIptables(ruleset) } else { try namespace.loadNft(ruleset) }
                let handle = try NamespaceHandle(name: namespace.name)
                let connection = try handle.connection(.netfilter)
                var lines = ["# Recorded by RulesetGoldenRecorder from Linux \(kernel); one NFT_MSG_NEWRULE payload",
                             "# (nfgenmsg + attributes, no nlmsghdr) per line, in kernel order. Loaded with:"]
                lines += ruleset.split(separator: "\n").map { "#   " + $0 }
                try connection.dump(NFTMessage.request(.getRule, family: .unspecified), operation: .dump("rules")) { message in
                    guard NFTMessage(netlinkType: message.header.type) == .newRule else { return }
                    lines.append(message.payload.map { String(format: "%02x", $0) }.joined())
                }
                let url = RulesetOracle.fixtures.deletingLastPathComponent().appendingPathComponent("netlink/\(name).hex")
                try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
            }
        }
    }
}
