import NetCore
import NetlinkTesting
import NFTables
import Testing

/// nft's typeof descriptions in set userdata: golden bytes written by nft 1.0.6 (the declaring line in each
/// comment, captured from `NFTA_SET_USERDATA` of a set loaded with `nft -f`), and bytes that are cut short
/// or garbage, which must throw or come back nil — never trap.
@Suite("Set typeof userdata decoding")
struct SetTypeofDecodingTests {
    static func hex(_ text: String) -> [UInt8] { text.split(separator: " ").compactMap { UInt8($0, radix: 16) } }

    /// `set s { typeof ip saddr . tcp dport; }`
    static let concat = hex("""
        00 04 00 00 00 00 03 34 00 04 0d 00 00 00 01 2c 00 14 00 04 07 00 00 00 01 0c 00 04 0c 00 00 00 01 04 0b 00 00 00 \
        01 14 00 04 07 00 00 00 01 0c 00 04 08 00 00 00 01 04 02 00 00 00
        """)
    /// `map m { typeof ip daddr : meta mark; }`
    static let markMap = hex("""
        00 04 02 00 00 00 01 04 01 00 00 00 03 14 00 04 07 00 00 00 01 0c 00 04 0c 00 00 00 01 04 0c 00 00 00 \
        04 0e 00 04 09 00 00 00 01 06 00 04 03 00 00 00 06 04 00 00 00 00
        """)
    /// `map m { typeof tcp dport : verdict; }`
    static let verdictMap = hex("""
        00 04 02 00 00 00 01 04 00 00 00 00 03 14 00 04 07 00 00 00 01 0c 00 04 08 00 00 00 01 04 02 00 00 00 \
        04 08 00 04 01 00 00 00 01 00 06 04 00 00 00 00
        """)
    /// `set s { typeof ct original ip saddr; }`
    static let ctOriginal = hex("00 04 02 00 00 00 03 14 00 04 0c 00 00 00 01 0c 00 04 13 00 00 00 01 04 00 00 00 00")
    /// `set s { typeof ct mark; }`: no direction is all ones.
    static let ctMark = hex("00 04 01 00 00 00 03 14 00 04 0c 00 00 00 01 0c 00 04 03 00 00 00 01 04 ff ff ff ff")
    /// `set s { typeof @nh,16,16; }`
    static let raw = hex("""
        00 04 02 00 00 00 03 26 00 04 07 00 00 00 01 1e 00 04 00 00 00 00 01 04 00 00 00 00 02 04 02 00 00 00 \
        03 04 10 00 00 00 04 04 10 00 00 00
        """)
    /// `set s { typeof ip6 flowlabel; }`: a 20-bit field carries its length.
    static let flowlabel = hex("00 04 02 00 00 00 03 1a 00 04 07 00 00 00 01 12 00 04 0d 00 00 00 01 04 04 00 00 00 04 04 14 00 00 00")
    /// `set s { typeof iifname; }`
    static let iifname = hex("00 04 01 00 00 00 03 0e 00 04 09 00 00 00 01 06 00 04 06 00 00 00")
    /// `map m { typeof ip saddr : interval ip daddr; flags interval; }`
    static let intervalMap = hex("""
        00 04 02 00 00 00 01 04 02 00 00 00 03 14 00 04 07 00 00 00 01 0c 00 04 0c 00 00 00 01 04 0b 00 00 00 \
        04 14 00 04 07 00 00 00 01 0c 00 04 0c 00 00 00 01 04 0c 00 00 00 06 04 01 00 00 00
        """)

    static let goldens = [concat, markMap, verdictMap, ctOriginal, ctMark, raw, flowlabel, iifname, intervalMap]

    static func set(_ userdata: [UInt8]) -> NFTSet { NFTSet(family: .inet, table: "t", name: "s", userdata: userdata) }

    @Test("nft 1.0.6's descriptions decode to the expressions they were written from")
    func goldens() throws {
        #expect(Self.set(Self.concat).keyTypeof == .concatenation([.payload(protocol: 12, field: 11, bits: nil, raw: nil),
                                                                   .payload(protocol: 8, field: 2, bits: nil, raw: nil)]))
        #expect(Self.set(Self.concat).dataTypeof == nil)
        #expect(Self.set(Self.markMap).keyTypeof == .payload(protocol: 12, field: 12, bits: nil, raw: nil))
        #expect(Self.set(Self.markMap).dataTypeof == .meta(key: MetaKey.mark.rawValue))
        #expect(!Self.set(Self.markMap).hasIntervalData)
        #expect(Self.set(Self.verdictMap).dataTypeof == .verdict)
        #expect(Self.set(Self.ctOriginal).keyTypeof == .ct(key: CtKey.srcIP.rawValue, direction: 0))
        #expect(Self.set(Self.ctMark).keyTypeof == .ct(key: CtKey.mark.rawValue, direction: nil))
        #expect(Self.set(Self.raw).keyTypeof == .payload(protocol: 0, field: 0, bits: 16,
                                                         raw: SetTypeof.RawPayload(base: 2, offset: 16, length: 16)))
        #expect(Self.set(Self.flowlabel).keyTypeof == .payload(protocol: 13, field: 4, bits: 20, raw: nil))
        #expect(Self.set(Self.iifname).keyTypeof == .meta(key: MetaKey.iifname.rawValue))
        #expect(Self.set(Self.intervalMap).hasIntervalData)
        // A set without typeof records (a `type` declaration, a comment only) has none.
        #expect(Self.set(Self.hex("00 04 02 00 00 00 07 03 61 62 00")).keyTypeof == nil)
        #expect(Self.set([]).keyTypeof == nil)
    }

    @Test("every truncation of a golden description throws or is absent, and never half-decodes")
    func truncations() throws {
        for golden in Self.goldens {
            let full = try SetTypeof.decode(userdata: golden, record: SetTypeof.keyRecord)
            #expect(full != nil)
            for length in 0..<golden.count {
                let prefix = Array(golden[..<length])
                let decoded = try? SetTypeof.decode(userdata: prefix, record: SetTypeof.keyRecord)
                // A prefix either loses the key record entirely or cuts it (an error): it never yields a
                // different expression.
                #expect(decoded == nil || decoded == full, "prefix \(length) of \(golden)")
                if decoded != nil {
                    // Only possible when the cut falls after the key record, in later records.
                    #expect(Self.set(prefix).keyTypeof == full)
                }
            }
        }
    }

    @Test("malformed shapes are errors: cut records, wrong integer sizes, parts out of order, missing kind")
    func malformed() {
        let cases: [(String, [UInt8])] = [
            ("record past the end", Self.hex("03 10 00 04 07 00 00 00")),
            ("kind not four bytes", Self.hex("03 06 00 02 07 00 01 00")),
            ("no data", Self.hex("03 06 00 04 09 00 00 00")),
            ("no kind", Self.hex("03 08 01 06 00 04 03 00 00 00")),
            ("meta key not four bytes", Self.hex("03 0c 00 04 09 00 00 00 01 04 00 02 03 00")),
            ("ct direction 7", Self.hex("03 14 00 04 0c 00 00 00 01 0c 00 04 03 00 00 00 01 04 07 00 00 00")),
            ("concat part 1 first", Self.hex("03 16 00 04 0d 00 00 00 01 0e 01 0c 00 04 09 00 00 00 01 04 00 04 03 00")),
            ("empty concat", Self.hex("03 08 00 04 0d 00 00 00 01 00")),
            ("raw payload without base", Self.hex("03 14 00 04 07 00 00 00 01 0c 00 04 00 00 00 00 01 04 00 00 00 00")),
            ("header cut", Self.hex("03")),
        ]
        for (name, bytes) in cases {
            #expect(throws: DecodeError.self, "\(name)") { try SetTypeof.decode(userdata: bytes, record: SetTypeof.keyRecord) }
            #expect(Self.set(bytes).keyTypeof == nil, "\(name)")
        }
        // An expression kind nft has but this decoder does not name is kept, not guessed at.
        let osf = Self.hex("03 0c 00 04 0b 00 00 00 01 04 00 02 01 00")
        #expect(Self.set(osf).keyTypeof == .other(kind: 11, records: [0, 2, 1, 0]))
    }

    @Test("random and mutated userdata never trap")
    func garbage() {
        var random = SeededGenerator(seed: 0x7479_7065_6f66)
        var decoded = 0
        for round in 0..<20_000 {
            var bytes: [UInt8]
            if round % 2 == 0, let golden = Self.goldens.randomElement(using: &random) {
                bytes = golden
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                }
            } else {
                bytes = (0..<Int.random(in: 0...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                if bytes.count > 2, Bool.random(using: &random) { bytes[0] = SetTypeof.keyRecord }
            }
            let set = Self.set(bytes)
            if set.keyTypeof != nil { decoded += 1 }
            _ = set.dataTypeof
            _ = set.hasIntervalData
        }
        #expect(decoded > 100, "mutated goldens still decode often enough for the run to mean something")
    }
}
