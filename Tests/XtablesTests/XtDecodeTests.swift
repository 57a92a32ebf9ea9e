import Foundation
import NetCore
import Testing
@testable import Xtables
import NetlinkTesting

@Suite("xt decoders render as iptables-save")
struct XtDecodeTests {
    @Test("core extensions (kube-proxy)", arguments: CoreCorpus.cases)
    func core(_ entry: XtCase) throws {
        #expect(try entry.render() == entry.expected)
    }

    @Test("extensions only iptables-legacy keeps as xt", arguments: LegacyCorpus.cases)
    func legacy(_ entry: XtCase) throws {
        #expect(try entry.render() == entry.expected)
    }

    @Test("older revisions", arguments: OldRevisionCorpus.cases)
    func oldRevisions(_ entry: XtCase) throws {
        #expect(try entry.render() == entry.expected)
    }

    @Test("values iptables cannot print render as pinned", arguments: EdgeCorpus.cases)
    func edges(_ entry: XtCase) throws {
        #expect(try entry.render() == entry.expected)
    }

    @Test("ipset getsockopt buffers: version, name by index, refusals")
    func ipsetQuery() throws {
        #expect(IPSetNameQuery.versionRequest() == [0, 1, 0, 0, 0, 0, 0, 0])
        #expect(try IPSetNameQuery.version(fromReply: [0, 1, 0, 0, 7, 0, 0, 0]) == 7)
        let request = IPSetNameQuery.nameRequest(index: 0x0102, version: 7)
        #expect(request.count == 40 && Array(request[0..<10]) == [7, 0, 0, 0, 7, 0, 0, 0, 2, 1])
        var reply = request
        reply.replaceSubrange(8..<13, with: Array("kube-".utf8))
        #expect(try IPSetNameQuery.name(fromReply: reply) == "kube-")
        #expect(try IPSetNameQuery.name(fromReply: Array(repeating: 0, count: 40)) == nil)
        #expect(throws: DecodeError.self) { try IPSetNameQuery.name(fromReply: Array(repeating: 0, count: 39)) }
        #expect(throws: DecodeError.self) { try IPSetNameQuery.version(fromReply: [0, 1]) }
    }

    @Test("unknown names and revisions stay raw, with an explicit note")
    func unknownStaysRaw() throws {
        let match = XtExtension(name: "nosuchmatch", revision: 0, info: [1, 2, 3])
        #expect(try XtMatch.decode(match, family: .ipv4) == .raw(match))
        #expect(try XtMatch.decode(match, family: .ipv4).iptablesArguments(family: .ipv4)
                == ["-m", "nosuchmatch", "/* nfscope: raw rev 0, 3 bytes */"])
        let future = XtExtension(name: "statistic", revision: 9, info: [])
        #expect(try XtMatch.decode(future, family: .ipv4) == .raw(future))
        let target = XtExtension(name: "DNAT", revision: 7, info: Array(repeating: 0, count: 48))
        #expect(try XtTarget.decode(target, family: .ipv4) == .raw(target))
        #expect(try XtTarget.decode(target, family: .ipv4).iptablesArguments(family: .ipv4)
                == ["-j", "DNAT", "/* nfscope: raw rev 7, 48 bytes */"])
    }

    @Test("a short blob of a known revision is a DecodeError naming the extension")
    func shortBlob() {
        let ext = XtExtension(name: "statistic", revision: 0, info: Array(repeating: 0, count: 10))
        #expect(throws: DecodeError.self) { try XtMatch.decode(ext, family: .ipv4) }
        do {
            _ = try XtMatch.decode(ext, family: .ipv4)
        } catch {
            #expect(error.path == "xt.match.statistic.info")
            #expect(error.offset == 10)
        }
    }

    @Test("statistic probability prints like printf %.11f", arguments: [
        (UInt32(0), "0.00000000000"), (0x8000_0000, "1.00000000000"), (1, "0.00000000047"),
        (0x7FFF_FFFF, "0.99999999953"), (0xFFFF_FFFF, "1.99999999953"), (214_748_365, "0.10000000009"),
    ])
    func probability(_ value: UInt32, _ text: String) {
        #expect(XtFormat.fixed11(fractionOf2p31: value) == text)
    }

    @Test("statistic probability agrees with the C library's printf on random values")
    func probabilityAgainstPrintf() {
        var generator = SeededGenerator(seed: 31)
        for _ in 0..<20_000 {
            let value = UInt32(truncatingIfNeeded: generator.next())
            let expected = String(format: "%.11f", Double(value) / 2_147_483_648)
            #expect(XtFormat.fixed11(fractionOf2p31: value) == expected, "\(value)")
        }
    }

    @Test("addresses print like glibc inet_ntop", arguments: [
        ("::1", "::1"), ("::", "::"), ("::ffff:1.2.3.4", "::ffff:1.2.3.4"), ("::1.2.3.4", "::1.2.3.4"),
        ("2001:db8::1", "2001:db8::1"), ("fe80::1:0:0:1", "fe80::1:0:0:1"), ("1:0:0:1:0:0:0:1", "1:0:0:1::1"),
        ("::ffff:0:1", "::ffff:0.0.0.1"), ("0:0:0:0:1::", "::1:0:0:0"),
    ])
    func inetNtop(_ input: String, _ text: String) {
        #expect(XtFormat.address(IPAddress(input)!) == text)
    }
}
