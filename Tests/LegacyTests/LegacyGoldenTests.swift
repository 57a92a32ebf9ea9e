import Foundation
@testable import Legacy
import NetCore
import Testing
import NetlinkTesting

/// A kernel blob recorded by the IntegrationTests' LegacyFixtureRecorder, with the save tool's output.
struct LegacyFixture: CustomTestStringConvertible, Sendable {
    var file: String
    var family: IPFamily
    var info: LegacyTableInfo
    var entries: [UInt8]
    var saved: [String]
    var testDescription: String { file }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/legacy")

    static func all() throws -> [LegacyFixture] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".txt") }.sorted()
            .map { try load($0) }
    }

    static func load(_ file: String) throws -> LegacyFixture {
        let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
        var fields: [String: String] = [:], entries: [UInt8] = [], saved: [String] = []
        for line in text.split(separator: "\n").map(String.init) where !line.hasPrefix("#") {
            let (key, value) = line.firstIndex(of: " ").map { (String(line[..<$0]), String(line[line.index(after: $0)...])) }
                ?? (line, "")
            switch key {
            case "hex":
                var index = value.startIndex
                while index < value.endIndex {
                    let next = value.index(index, offsetBy: 2)
                    entries.append(UInt8(value[index..<next], radix: 16) ?? 0)
                    index = next
                }
            case "save": saved.append(value)
            default: fields[key] = value
            }
        }
        func numbers(_ key: String) -> [UInt32] { (fields[key] ?? "").split(separator: ",").compactMap { UInt32($0) } }
        let info = LegacyTableInfo(name: fields["name"] ?? "", validHooks: UInt32(fields["valid_hooks"] ?? "") ?? 0,
                                   hookEntry: numbers("hook_entry"), underflow: numbers("underflow"),
                                   entryCount: UInt32(fields["num_entries"] ?? "") ?? 0,
                                   size: UInt32(fields["size"] ?? "") ?? 0)
        return LegacyFixture(file: file, family: fields["family"] == "ipv6" ? .ipv6 : .ipv4, info: info,
                             entries: entries, saved: saved)
    }
}

@Suite("legacy golden kernel blobs")
struct LegacyGoldenTests {
    @Test("the fixtures are there")
    func present() throws { #expect(try LegacyFixture.all().count >= 6) }

    @Test("recorded kernel blobs render exactly as the save tool printed them", arguments: try LegacyFixture.all())
    func render(_ fixture: LegacyFixture) throws {
        let table = try LegacyTable.decode(info: fixture.info, entries: fixture.entries, family: fixture.family)
        let lines = LegacyRenderer.save(tables: [table], family: fixture.family).split(separator: "\n")
            .map(String.init).filter { !$0.hasPrefix("#") }
        #expect(lines == fixture.saved)
        #expect(table.ruleCount == fixture.saved.filter { $0.hasPrefix("-A ") }.count)
    }

    @Test("seeded corruption of real kernel blobs never traps", arguments: try LegacyFixture.all())
    func corruption(_ fixture: LegacyFixture) {
        var random = SeededGenerator(seed: UInt64(fixture.entries.count) &* 0x9E37_79B9)
        var rejected = 0
        for round in 0..<1500 {
            var bytes = fixture.entries
            var info = fixture.info
            for _ in 0...(round % 3) {
                let at = Int.random(in: 0..<bytes.count, using: &random)
                switch round % 4 {
                case 0: bytes[at] = UInt8.random(in: 0...255, using: &random)
                case 1: bytes[at & ~1] = [0, 8, 32, 0xff][Int.random(in: 0..<4, using: &random)]  // sizes, offsets
                case 2:
                    bytes = Array(bytes.prefix(at))
                    info.size = UInt32(bytes.count)
                default: info.hookEntry[Int.random(in: 0..<5, using: &random)] = UInt32(at)
                }
                if bytes.isEmpty { break }
            }
            do throws(DecodeError) {
                let table = try LegacyTable.decode(info: info, entries: bytes, family: fixture.family)
                _ = LegacyRenderer.save(tables: [table], family: fixture.family)
            } catch {
                rejected += 1
            }
        }
        #expect(rejected > 300)
    }
}
