import NetCore
import Testing
import Xtables
import NetlinkTesting

/// Seeded random, truncated and bit-flipped info blobs for every name+revision the decoders know: each gives a
/// value (which then renders) or a DecodeError naming the extension, never a trap.
@Suite("xt decoders never trap on hostile blobs")
struct XtFuzzTests {
    /// Every decoded name+revision with the size iptables sends for it (XT_ALIGN of the struct).
    static let matches: [(String, UInt8, Int)] = [
        ("comment", 0, 256), ("statistic", 0, 24), ("addrtype", 0, 12), ("addrtype", 1, 8), ("conntrack", 1, 152),
        ("conntrack", 2, 160), ("conntrack", 3, 168), ("state", 0, 4), ("multiport", 0, 32), ("multiport", 1, 48),
        ("physdev", 0, 72), ("set", 0, 32), ("set", 1, 4), ("set", 2, 4), ("set", 3, 48), ("set", 4, 48),
        ("recent", 0, 216), ("recent", 1, 232), ("mark", 0, 24), ("mark", 1, 16), ("connmark", 0, 24),
        ("connmark", 1, 16), ("tcp", 0, 16), ("udp", 0, 16), ("icmp", 0, 8), ("icmp6", 0, 8), ("iprange", 1, 72),
        ("owner", 1, 24), ("limit", 0, 40), ("pkttype", 0, 8), ("policy", 0, 312), ("tcpmss", 0, 8),
        ("length", 0, 8), ("dscp", 0, 8), ("ttl", 0, 8), ("hl", 0, 8), ("mac", 0, 16), ("quota", 0, 24),
        ("helper", 0, 40), ("socket", 0, 0), ("socket", 1, 8), ("socket", 2, 8), ("socket", 3, 8),
        ("devgroup", 0, 24), ("cgroup", 0, 8), ("cgroup", 1, 4112), ("cgroup", 2, 528), ("rpfilter", 0, 8),
        ("sctp", 0, 292), ("ipvs", 0, 40), ("connlimit", 0, 24), ("connlimit", 1, 32), ("esp", 0, 12),
        ("ah", 0, 12), ("tos", 0, 8), ("tos", 1, 8), ("connbytes", 0, 24), ("string", 0, 160), ("string", 1, 160), ("hashlimit", 1, 56), ("hashlimit", 2, 304), ("hashlimit", 3, 312),
    ]
    static let targets: [(String, UInt8, Int)] = [
        ("REJECT", 0, 8), ("DNAT", 0, 24), ("DNAT", 1, 40), ("DNAT", 2, 48), ("SNAT", 0, 24), ("SNAT", 1, 40),
        ("SNAT", 2, 48), ("MASQUERADE", 0, 40), ("REDIRECT", 0, 40), ("MARK", 0, 8), ("MARK", 1, 16),
        ("MARK", 2, 8), ("CONNMARK", 1, 16), ("CONNMARK", 2, 16), ("LOG", 0, 32), ("NFLOG", 0, 80),
        ("NFQUEUE", 0, 8), ("NFQUEUE", 1, 8), ("NFQUEUE", 2, 8), ("NFQUEUE", 3, 8), ("CT", 0, 40), ("CT", 1, 72),
        ("CT", 2, 72), ("NOTRACK", 0, 0), ("TPROXY", 0, 16), ("TPROXY", 1, 32), ("TCPMSS", 0, 8), ("DSCP", 0, 8),
        ("CLASSIFY", 0, 8), ("CHECKSUM", 0, 8), ("TRACE", 0, 0),
        ("NETMAP", 0, 40), ("TTL", 0, 8), ("HL", 0, 8), ("TOS", 0, 8), ("TOS", 1, 8),
        ("AUDIT", 0, 8), ("SET", 0, 64), ("SET", 1, 8), ("SET", 2, 16), ("SET", 3, 24),
    ]

    /// Decodes and renders; returns whether it decoded (false: a DecodeError with the right path).
    static func exercise(_ name: String, _ revision: UInt8, _ info: [UInt8], target: Bool,
                         family: IPFamily) -> Bool {
        let ext = XtExtension(name: name, revision: revision, info: info)
        do {
            if target {
                let value = try XtTarget.decode(ext, family: family)
                #expect(value.iptablesArguments(family: family).first == "-j")
            } else {
                let value = try XtMatch.decode(ext, family: family)
                #expect(value.iptablesArguments(family: family).first == "-m")
            }
            return true
        } catch {
            #expect(error.path == "xt.\(target ? "target" : "match").\(name).info")
            #expect(error.offset >= 0 && error.offset <= info.count)
            return false
        }
    }

    static func fuzz(_ table: [(String, UInt8, Int)], target: Bool, seed: UInt64) -> (decoded: Int, rejected: Int) {
        var generator = SeededGenerator(seed: seed)
        var decoded = 0, rejected = 0
        for (name, revision, size) in table {
            for family in IPFamily.allCases {
                // Every truncation of a random full-size blob, plus a few longer ones.
                let full = (0..<(size + 16)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                for length in 0...(size + 16) where length <= 600 || length % 97 == 0 || length >= size - 8 {
                    exercise(name, revision, Array(full[..<length]), target: target, family: family)
                        ? (decoded += 1) : (rejected += 1)
                }
                // Random blobs of random lengths, with sparse bytes so flag bits and counts vary.
                for _ in 0..<60 {
                    let length = Int.random(in: 0...(size + 8), using: &generator)
                    let blob = (0..<length).map { _ in
                        Bool.random(using: &generator) ? 0 : UInt8.random(in: 0...255, using: &generator)
                    }
                    exercise(name, revision, blob, target: target, family: family)
                        ? (decoded += 1) : (rejected += 1)
                }
            }
        }
        return (decoded, rejected)
    }

    @Test("matches: random and truncated blobs")
    func matches() {
        let result = Self.fuzz(Self.matches, target: false, seed: 0x5EED_0001)
        #expect(result.decoded > 2_000)
        #expect(result.rejected > 2_000)
    }

    @Test("targets: random and truncated blobs")
    func targets() {
        let result = Self.fuzz(Self.targets, target: true, seed: 0x5EED_0002)
        #expect(result.decoded > 1_000)
        #expect(result.rejected > 500)
    }

    @Test("a full-size blob of every known name+revision decodes to a typed value, not raw")
    func fullSizeIsTyped() throws {
        for (name, revision, size) in Self.matches {
            let match = try XtMatch.decode(XtExtension(name: name, revision: revision,
                                                       info: Array(repeating: 0, count: size)), family: .ipv4)
            if case .raw = match { Issue.record("\(name) rev \(revision) stayed raw") }
        }
        for (name, revision, size) in Self.targets {
            let target = try XtTarget.decode(XtExtension(name: name, revision: revision,
                                                         info: Array(repeating: 0, count: size)), family: .ipv6)
            if case .raw = target { Issue.record("\(name) rev \(revision) stayed raw") }
        }
    }
}
