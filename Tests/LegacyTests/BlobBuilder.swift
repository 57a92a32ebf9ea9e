@testable import Legacy
import NetCore

/// Builds x_tables entry blobs by hand, byte for byte as the kernel lays them out (64-bit, little-endian
/// host), so the walker can be tested without root.
struct BlobBuilder {
    let family: IPFamily
    private(set) var bytes: [UInt8] = []
    private(set) var entryCount = 0
    var hookEntry = [UInt32](repeating: 0, count: 5)
    var underflow = [UInt32](repeating: 0, count: 5)
    var validHooks: UInt32 = 0
    var layout: LegacyLayout { LegacyLayout(family: family) }

    init(family: IPFamily) { self.family = family }

    /// The standard part of a rule.
    struct Header {
        var source: [UInt8] = []
        var sourceMask: [UInt8] = []
        var inInterface = ""
        var inMask: [UInt8] = []
        var proto: UInt16 = 0
        var flags: UInt8 = 0
        var invert: UInt8 = 0
    }

    enum Target {
        case verdict(Int32)
        /// Jump to an absolute offset (filled in by the caller).
        case offset(Int32)
        case error(String)
        case ext(name: String, revision: UInt8, info: [UInt8])
    }

    var offset: Int { bytes.count }

    static func little<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    static func extensionRecord(name: String, revision: UInt8, info: [UInt8]) -> [UInt8] {
        let padded = (info.count + 7) / 8 * 8
        var record = little(UInt16(32 + padded))
        var nameBytes = Array(name.utf8.prefix(28))
        nameBytes += [UInt8](repeating: 0, count: 29 - nameBytes.count)
        record += nameBytes + [revision] + info + [UInt8](repeating: 0, count: padded - info.count)
        return record
    }

    static func targetRecord(_ target: Target) -> [UInt8] {
        switch target {
        case .verdict(let verdict), .offset(let verdict):
            return extensionRecord(name: "", revision: 0, info: little(verdict))
        case .error(let name):
            var info = Array(name.utf8.prefix(29))
            info += [UInt8](repeating: 0, count: 30 - info.count)
            return extensionRecord(name: "ERROR", revision: 0, info: info)
        case .ext(let name, let revision, let info):
            return extensionRecord(name: name, revision: revision, info: info)
        }
    }

    /// Appends an entry and returns its offset.
    @discardableResult
    mutating func entry(_ header: Header = Header(), matches: [[UInt8]] = [], target: Target,
                        counters: (UInt64, UInt64) = (0, 0)) -> Int {
        let start = bytes.count
        var entry = [UInt8](repeating: 0, count: layout.entrySize)
        func put(_ data: [UInt8], at position: Int) {
            for (index, byte) in data.enumerated() { entry[position + index] = byte }
        }
        put(header.source, at: layout.sourceOffset)
        put(header.sourceMask, at: layout.sourceMaskOffset)
        put(Array(header.inInterface.utf8), at: layout.inInterfaceOffset)
        put(header.inMask, at: layout.inInterfaceMaskOffset)
        put(Self.little(header.proto), at: layout.protocolOffset)
        entry[layout.flagsOffset] = header.flags
        entry[layout.invertFlagsOffset] = header.invert
        let matchBytes = matches.flatMap { $0 }
        let targetBytes = Self.targetRecord(target)
        put(Self.little(UInt16(layout.entrySize + matchBytes.count)), at: layout.targetOffsetField)
        put(Self.little(UInt16(layout.entrySize + matchBytes.count + targetBytes.count)), at: layout.nextOffsetField)
        put(Self.little(counters.0), at: layout.countersOffset)
        put(Self.little(counters.1), at: layout.countersOffset + 8)
        bytes += entry + matchBytes + targetBytes
        entryCount += 1
        return start
    }

    /// Starts a built-in chain at the next entry.
    mutating func hook(_ hook: LegacyHook) {
        validHooks |= 1 << UInt32(hook.rawValue)
        hookEntry[hook.rawValue] = UInt32(bytes.count)
    }

    /// Appends the policy entry of a built-in chain.
    mutating func policy(_ hook: LegacyHook, _ verdict: LegacyVerdict, counters: (UInt64, UInt64) = (0, 0)) {
        underflow[hook.rawValue] = UInt32(bytes.count)
        entry(target: .verdict(verdict.rawValue), counters: counters)
    }

    /// Rewrites the verdict of the standard target of the entry at `offset`.
    mutating func patchVerdict(entryAt offset: Int, to value: Int32) {
        let targetOffset = Int(bytes[offset + layout.targetOffsetField]) | Int(bytes[offset + layout.targetOffsetField + 1]) << 8
        for (index, byte) in Self.little(value).enumerated() { bytes[offset + targetOffset + 32 + index] = byte }
    }

    func info(name: String = "filter") -> LegacyTableInfo {
        LegacyTableInfo(name: name, validHooks: validHooks, hookEntry: hookEntry, underflow: underflow,
                        entryCount: UInt32(entryCount), size: UInt32(bytes.count))
    }

    func decode(name: String = "filter") throws(DecodeError) -> LegacyTable {
        try LegacyTable.decode(info: info(name: name), entries: bytes, family: family)
    }
}
