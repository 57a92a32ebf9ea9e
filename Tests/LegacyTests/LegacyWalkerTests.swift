@testable import Legacy
import NetCore
import Testing
import Xtables

/// A small filter table: INPUT with two rules and DROP policy, FORWARD empty, OUTPUT empty, user chain
/// KUBE-SERVICES with a comment+REJECT rule, jumped to from INPUT.
func sampleFilter(family: IPFamily = .ipv4) -> BlobBuilder {
    var blob = BlobBuilder(family: family)
    let v4 = family == .ipv4
    blob.hook(.input)
    var header = BlobBuilder.Header()
    header.source = v4 ? [10, 0, 0, 0] : [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 12)
    header.sourceMask = v4 ? [255, 0, 0, 0] : [UInt8](repeating: 0xff, count: 4) + [UInt8](repeating: 0, count: 12)
    header.inInterface = "eth"
    header.inMask = [0xff, 0xff, 0xff]
    header.proto = 6
    let jump = blob.entry(header, target: .offset(0), counters: (3, 180))
    var second = BlobBuilder.Header()
    second.proto = 17
    second.invert = LegacyIPHeader.invertProtocol
    blob.entry(second, target: .verdict(LegacyVerdict.accept.rawValue))
    blob.policy(.input, .drop, counters: (7, 420))
    blob.hook(.forward)
    blob.policy(.forward, .accept)
    blob.hook(.output)
    blob.entry(target: .verdict(0))   // patched below to fall through
    let fallthroughAt = blob.offset - 40 - blob.layout.entrySize
    blob.policy(.output, .accept)
    blob.entry(target: .error("KUBE-SERVICES"))
    let chainStart = blob.offset
    var comment = [UInt8]("kube-system/kube-dns:dns has no endpoints".utf8)
    comment += [UInt8](repeating: 0, count: 256 - comment.count)
    let reject = [UInt8](BlobBuilder.little(UInt32(family == .ipv4 ? 3 : 4)))  // icmp(6)-port-unreachable
    blob.entry(matches: [BlobBuilder.extensionRecord(name: "comment", revision: 0, info: comment)],
               target: .ext(name: "REJECT", revision: 0, info: reject))
    blob.entry(target: .verdict(LegacyVerdict.return.rawValue))
    blob.entry(target: .error("ERROR"))
    blob.patchVerdict(entryAt: jump, to: Int32(chainStart))
    blob.patchVerdict(entryAt: fallthroughAt, to: Int32(fallthroughAt + blob.layout.entrySize + 40))
    return blob
}

@Suite("legacy entry walker")
struct LegacyWalkerTests {
    @Test("struct sizes match the kernel headers")
    func layoutSizes() {
        #expect(LegacyLayout(family: .ipv4).entrySize == 112)
        #expect(LegacyLayout(family: .ipv6).entrySize == 168)
        #expect(LegacyLayout(family: .ipv4).flagsOffset == 82)
        #expect(LegacyLayout(family: .ipv6).flagsOffset == 131)
        #expect(LegacyLayout(family: .ipv6).countersOffset == 152)
    }

    @Test("walks chains, policies, jumps, fall-through and extensions (IPv4)")
    func walkIPv4() throws {
        let table = try sampleFilter().decode()
        #expect(table.chains.map(\.name) == ["INPUT", "FORWARD", "OUTPUT", "KUBE-SERVICES"])
        #expect(table.entryCount == 10)
        let input = table.chains[0]
        #expect(input.kind == .builtin(hook: .input, policy: .drop, counters: LegacyCounters(packets: 7, bytes: 420)))
        #expect(input.rules.count == 2)
        #expect(input.rules[0].target == .jump(chain: "KUBE-SERVICES", goto: false))
        #expect(input.rules[0].counters == LegacyCounters(packets: 3, bytes: 180))
        #expect(input.rules[0].iptablesText() == "-A INPUT -s 10.0.0.0/8 -i eth+ -p tcp -j KUBE-SERVICES")
        #expect(input.rules[1].iptablesText() == "-A INPUT ! -p udp -j ACCEPT")
        #expect(input.rules[1].position == 2)
        #expect(table.chains[2].rules.first?.target == .continueToNext)
        #expect(table.chains[2].rules.first?.iptablesText() == "-A OUTPUT")
        let service = table.chains[3]
        #expect(service.kind == .user)
        #expect(service.rules.first?.iptablesText()
                == "-A KUBE-SERVICES -m comment --comment \"kube-system/kube-dns:dns has no endpoints\" -j REJECT --reject-with icmp-port-unreachable")
    }

    @Test("walks an IPv6 table with the ip6t_entry layout")
    func walkIPv6() throws {
        let table = try sampleFilter(family: .ipv6).decode()
        #expect(table.chains[0].rules[0].iptablesText() == "-A INPUT -s 2001:db8::/32 -i eth+ -p tcp -j KUBE-SERVICES")
        #expect(table.chains[3].rules[0].iptablesText().hasSuffix("-j REJECT --reject-with icmp6-port-unreachable"))
    }

    @Test("renders like iptables-legacy-save, user chains sorted")
    func render() throws {
        let text = LegacyRenderer.save(tables: [try sampleFilter().decode()], family: .ipv4)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(Array(lines[1...6]) == ["*filter", ":INPUT DROP [7:420]", ":FORWARD ACCEPT [0:0]",
                                        ":OUTPUT ACCEPT [0:0]", ":KUBE-SERVICES - [0:0]",
                                        "-A INPUT -s 10.0.0.0/8 -i eth+ -p tcp -j KUBE-SERVICES"])
        #expect(lines[lines.count - 2] == "COMMIT")
        let counted = LegacyRenderer.save(tables: [try sampleFilter().decode()], family: .ipv4, counters: true)
        #expect(counted.contains("[3:180] -A INPUT -s 10.0.0.0/8"))
    }

    @Test("standard part text: masks, inversions, interfaces, protocols, fragments")
    func headerText() {
        func header(_ change: (inout LegacyIPHeader) -> Void) -> String {
            var value = LegacyIPHeader(family: .ipv4, source: .v4(0), sourceMask: .v4(0), destination: .v4(0),
                                       destinationMask: .v4(0), inInterface: "", inInterfaceMask: [],
                                       outInterface: "", outInterfaceMask: [], protocolNumber: 0, flags: 0,
                                       invertFlags: 0)
            change(&value)
            return value.iptablesArguments.joined(separator: " ")
        }
        #expect(header { $0.source = .v4(0x0A00_0001); $0.sourceMask = .v4(.max) } == "-s 10.0.0.1/32")
        #expect(header { $0.destination = .v4(0x0A00_0000); $0.destinationMask = .v4(0xFF00_FF00) }
                == "-d 10.0.0.0/255.0.255.0")
        #expect(header { $0.invertFlags = LegacyIPHeader.invertSource } == "! -s 0.0.0.0/0")
        #expect(header { $0.outInterface = "lo"; $0.outInterfaceMask = [255, 255, 255]; $0.invertFlags = 2 } == "! -o lo")
        #expect(header { $0.protocolNumber = 47; $0.flags = 1; $0.invertFlags = 0x20 } == "-p gre ! -f")
        #expect(header { $0.protocolNumber = 253 } == "-p 253")
        #expect(header { $0.flags = 0x02 } == "")
    }
}

@Suite("legacy table names file")
struct LegacyNamesTests {
    @Test("one name per line, blank lines ignored, kernel order kept")
    func parse() {
        #expect(LegacyReader.parseNames(Array("nat\nfilter\n\n".utf8)) == ["nat", "filter"])
        #expect(LegacyReader.parseNames([]) == [])
    }
}

@Suite("legacy backend section")
struct LegacyBackendSectionTests {
    @Test("names the backend when there are legacy tables, prints nothing otherwise")
    func section() throws {
        var text = ""
        LegacyRenderer.writeBackendSection(tables: [], family: .ipv4) { text += $0 }
        #expect(text.isEmpty)
        let table = try sampleFilter().decode()
        LegacyRenderer.writeBackendSection(tables: [table], family: .ipv6) { text += $0 }
        #expect(text.isEmpty)
        LegacyRenderer.writeBackendSection(tables: [table], family: .ipv4) { text += $0 }
        #expect(text.hasPrefix("# nfscope: iptables-legacy (x_tables) backend\n# Generated by nfscope"))
        #expect(text.hasSuffix(LegacyRenderer.save(tables: [table], family: .ipv4)))
    }
}
