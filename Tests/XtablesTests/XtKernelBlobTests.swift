import Foundation
import NetCore
import Testing
import Xtables

/// The blobs the kernel returned for the xt corpus (Tests/Fixtures/xt/kernel-blobs.txt, recorded by the root
/// differential test): each decodes without staying raw, and the renderings appear in order in the line
/// iptables-save printed for the rule, a target at its end. Runs without root.
@Suite("xt decoders on recorded kernel blobs")
struct XtKernelBlobTests {
    struct Record: CustomStringConvertible, Sendable {
        /// `nft` (compat expression over netlink) or `legacy` (x_tables entry over getsockopt).
        var source: String
        var family: IPFamily
        var line: String
        var extensions: [(isTarget: Bool, ext: XtExtension)]
        var description: String { "\(source) \(family): \(line)" }
    }

    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/xt/kernel-blobs.txt")

    static func records() throws -> [Record] {
        try String(contentsOf: path, encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("#") }
            .map { line in
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                let family = try #require(IPFamily(rawValue: fields[1]))
                let extensions = try fields.dropFirst(3).map { field in
                    let parts = field.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                    try #require(parts.count == 4)
                    let revision = try #require(UInt8(parts[2]))
                    return (parts[0] == "t", XtExtension(name: parts[1], revision: revision, info: try hex(parts[3])))
                }
                return Record(source: fields[0], family: family, line: fields[2], extensions: extensions)
            }
    }

    static func hex(_ text: String) throws -> [UInt8] {
        let digits = Array(text.utf8)
        return try stride(from: 0, to: digits.count, by: 2).map { index in
            try #require(UInt8(String(decoding: digits[index..<(index + 2)], as: UTF8.self), radix: 16))
        }
    }

    @Test("the fixture covers the corpus")
    func coverage() throws {
        let records = try Self.records()
        #expect(records.filter { $0.source == "nft" }.count > 300)
        #expect(records.filter { $0.source == "legacy" }.count > 300)
        let names = Set(records.flatMap { $0.extensions.map(\.ext.name) })
        for name in ["comment", "statistic", "addrtype", "conntrack", "multiport", "physdev", "set", "recent",
                     "connmark", "iprange", "owner", "pkttype", "policy", "REJECT", "DNAT", "SNAT", "MASQUERADE",
                     "REDIRECT", "MARK", "CONNMARK", "LOG", "NFQUEUE", "CT", "TPROXY", "SET", "mark", "limit", "tcp", "udp",
                     "NFLOG", "TRACE", "icmp", "icmp6", "hashlimit", "sctp", "connlimit", "esp", "ah", "NETMAP", "tos", "connbytes", "TOS", "AUDIT", "TTL", "HL", "string"] {
            #expect(names.contains(name), "no kernel blob for \(name)")
        }
    }

    @Test("renders what iptables-nft-save printed", arguments: try XtKernelBlobTests.records())
    func renders(_ record: Record) throws {
        var fragments: [String] = []
        for (isTarget, ext) in record.extensions {
            let arguments: [String]
            if isTarget {
                let target = try XtTarget.decode(ext, family: record.family)
                if case .raw = target { Issue.record("\(ext.name) stayed raw") }
                arguments = target.iptablesArguments(family: record.family, ipsetNames: Self.setNames)
                #expect(record.line.hasSuffix(" " + arguments.joined(separator: " ")))
            } else {
                let match = try XtMatch.decode(ext, family: record.family)
                if case .raw = match { Issue.record("\(ext.name) stayed raw") }
                arguments = match.iptablesArguments(family: record.family, ipsetNames: Self.setNames)
            }
            fragments.append(arguments.joined(separator: " "))
        }
        #expect(Self.containsInOrder(record.line, fragments), "\(fragments)")
    }

    /// The sets the differential test creates, by creation index.
    static let setNames: [UInt16: String] = [0: "nfs-a", 1: "nfs-b", 2: "nfs-n"]

    static func containsInOrder(_ line: String, _ fragments: [String]) -> Bool {
        var rest = Substring(" " + line + " ")
        for fragment in fragments {
            guard let range = rest.range(of: " " + fragment + " ") else { return false }
            rest = rest[rest.index(before: range.upperBound)...]
        }
        return true
    }
}
