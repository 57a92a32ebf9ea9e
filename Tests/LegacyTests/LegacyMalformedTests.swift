@testable import Legacy
import NetCore
import Testing
import NetlinkTesting

/// Two user chains, each jumping to the other: a loop the kernel would refuse.
func loopTable() -> BlobBuilder {
    var blob = BlobBuilder(family: .ipv4)
    blob.hook(.input)
    let entry = blob.entry(target: .offset(0))
    blob.policy(.input, .accept)
    blob.entry(target: .error("A"))
    let aStart = blob.offset
    let aJump = blob.entry(target: .offset(0))
    blob.entry(target: .verdict(LegacyVerdict.return.rawValue))
    blob.entry(target: .error("B"))
    let bStart = blob.offset
    let bJump = blob.entry(target: .offset(0))
    blob.entry(target: .verdict(LegacyVerdict.return.rawValue))
    blob.entry(target: .error("ERROR"))
    blob.patchVerdict(entryAt: entry, to: Int32(aStart))
    blob.patchVerdict(entryAt: aJump, to: Int32(bStart))
    blob.patchVerdict(entryAt: bJump, to: Int32(aStart))
    return blob
}

@Suite("legacy walker on malformed blobs")
struct LegacyMalformedTests {
    private func decodeError(_ blob: BlobBuilder) -> DecodeError? {
        do throws(DecodeError) {
            _ = try blob.decode()
            return nil
        } catch {
            return error
        }
    }

    private func decodeError(_ bytes: [UInt8], info: LegacyTableInfo, family: IPFamily = .ipv4) -> DecodeError? {
        do throws(DecodeError) {
            _ = try LegacyTable.decode(info: info, entries: bytes, family: family)
            return nil
        } catch {
            return error
        }
    }

    @Test("a jump loop between user chains is a decode error")
    func jumpLoop() {
        let error = decodeError(loopTable())
        #expect(error?.reason.contains("jump loop") == true, "\(String(describing: error))")
    }

    @Test("a jump that lands inside an entry, or on a rule rather than a chain start, is a decode error")
    func badJump() {
        var blob = sampleFilter()
        blob.patchVerdict(entryAt: 0, to: 8)
        #expect(decodeError(blob)?.reason.contains("starts no user chain") == true)
        var blob2 = sampleFilter()
        blob2.patchVerdict(entryAt: 0, to: Int32(blob2.info().underflow[1]))
        #expect(decodeError(blob2) != nil)
    }

    @Test("zero-sized, oversized and misaligned matches are decode errors")
    func badMatches() {
        for size: UInt16 in [0, 8, 31, 33, 4096] {
            var blob = BlobBuilder(family: .ipv4)
            blob.hook(.input)
            var match = BlobBuilder.extensionRecord(name: "comment", revision: 0, info: [UInt8](repeating: 0, count: 256))
            match[0] = UInt8(size & 0xff)
            match[1] = UInt8(size >> 8)
            blob.entry(matches: [match], target: .verdict(LegacyVerdict.accept.rawValue))
            blob.policy(.input, .accept)
            blob.entry(target: .error("ERROR"))
            #expect(decodeError(blob) != nil, "match_size \(size)")
        }
    }

    @Test("hook entries and underflows that are not entry starts, and a missing final ERROR, are decode errors")
    func badHooks() {
        let blob = sampleFilter()
        var info = blob.info()
        info.hookEntry[1] = 16
        #expect(decodeError(blob.bytes, info: info) != nil)
        info = blob.info()
        info.underflow[1] = 0
        #expect(decodeError(blob.bytes, info: info) != nil)
        info = blob.info()
        info.entryCount += 1
        #expect(decodeError(blob.bytes, info: info) != nil)
        var missingEnd = BlobBuilder(family: .ipv4)
        missingEnd.hook(.input)
        missingEnd.policy(.input, .accept)
        #expect(decodeError(missingEnd)?.reason.contains("ERROR") == true)
        #expect(decodeError([], info: LegacyTableInfo(name: "filter", validHooks: 0, hookEntry: [0, 0, 0, 0, 0],
                                                      underflow: [0, 0, 0, 0, 0], entryCount: 0, size: 0)) != nil)
    }

    @Test("every truncation of valid IPv4 and IPv6 blobs is a decode error, never a trap")
    func truncations() {
        for family in IPFamily.allCases {
            let blob = sampleFilter(family: family)
            for length in 0..<blob.bytes.count {
                var info = blob.info()
                info.size = UInt32(length)
                #expect(decodeError(Array(blob.bytes.prefix(length)), info: info, family: family) != nil)
            }
        }
    }

    @Test("seeded random corruption of offsets, sizes, verdicts and bytes never traps")
    func corruption() {
        var random = SeededGenerator(seed: 0x6E66_7363_6F70_6521)
        var decoded = 0, rejected = 0
        let bases = [sampleFilter(), sampleFilter(family: .ipv6), loopTable()]
        for round in 0..<6000 {
            let base = bases[round % bases.count]
            var bytes = base.bytes
            var info = base.info()
            let layout = base.layout
            for _ in 0...(round % 4) {
                let entry = Int.random(in: 0..<(bytes.count / 8), using: &random) * 8
                switch Int.random(in: 0..<6, using: &random) {
                case 0:  // a target_offset / next_offset / match_size-sized field somewhere
                    let field = [layout.targetOffsetField, layout.nextOffsetField, layout.entrySize][Int.random(in: 0..<3, using: &random)]
                    if entry + field + 1 < bytes.count {
                        bytes[entry + field] = UInt8.random(in: 0...255, using: &random)
                        bytes[entry + field + 1] = [0, 0, 1, 0xff][Int.random(in: 0..<4, using: &random)]
                    }
                case 1:  // any byte
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                case 2:  // hook offsets
                    let hook = Int.random(in: 0..<5, using: &random)
                    info.hookEntry[hook] = UInt32(Int.random(in: 0..<(bytes.count + 64), using: &random))
                    info.underflow[Int.random(in: 0..<5, using: &random)] = UInt32.random(in: 0...UInt32(bytes.count), using: &random)
                case 3:  // a verdict-like 32-bit value at an aligned place
                    let value = Int32.random(in: -8...Int32(bytes.count + 16), using: &random)
                    let at = Int.random(in: 0..<(bytes.count / 4), using: &random) * 4
                    withUnsafeBytes(of: value.littleEndian) { for (i, b) in $0.enumerated() { bytes[at + i] = b } }
                case 4:  // truncate
                    bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &random)))
                    info.size = UInt32(bytes.count)
                default:  // valid hooks
                    info.validHooks = UInt32.random(in: 0...0x1f, using: &random)
                }
                if bytes.count < 8 { break }
            }
            if decodeError(bytes, info: info, family: base.family) == nil { decoded += 1 } else { rejected += 1 }
        }
        #expect(decoded + rejected == 6000)
        #expect(rejected > 1000)  // the corruption really reaches the checks
    }

    @Test("random bytes never trap")
    func randomBytes() {
        var random = SeededGenerator(seed: 42)
        for round in 0..<3000 {
            let count = Int.random(in: 0...600, using: &random) / 8 * 8
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
            if round % 2 == 0, count > 120 {  // plausible offsets make the walk go deeper
                bytes[88] = 112; bytes[89] = 0; bytes[90] = 152; bytes[91] = 0
            }
            let info = LegacyTableInfo(name: "filter", validHooks: UInt32.random(in: 0...31, using: &random),
                                       hookEntry: [0, 0, 0, 0, 0], underflow: [0, 0, 0, 0, 0],
                                       entryCount: UInt32.random(in: 0...4, using: &random), size: UInt32(count))
            _ = decodeError(bytes, info: info, family: round % 3 == 0 ? .ipv6 : .ipv4)
        }
    }
}
