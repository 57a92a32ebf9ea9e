import NetCore
import Xtables

/// One entry of an x_tables blob before chains are known: its standard part, matches and target record.
/// Names an entry in error messages (`entry@224`), formatted only when an error is built.
struct EntryPath: CustomStringConvertible {
    let offset: Int
    var description: String { "entry@\(offset)" }
}

struct LegacyEntry {
    /// The target record of an entry, before jump offsets are resolved.
    enum Target {
        /// The standard target (empty name): a negative verdict, or an offset to jump to.
        case standard(Int32)
        /// The `ERROR` target: the head of a user chain (its name), or the table's final entry (`ERROR`).
        case error(String)
        /// Any other target.
        case `extension`(XtExtension)
    }

    var offset: Int
    var nextOffset: Int
    var header: LegacyIPHeader
    var matches: [XtExtension]
    var target: Target
    var counters: LegacyCounters

    var end: Int { offset + nextOffset }
}

extension LegacyEntry {
    /// Decodes the entry at `offset`, checking every size and offset against the blob:
    /// `target_offset` and `next_offset` must lie inside the entry and the blob and be 8-byte aligned,
    /// each match must be at least its 32-byte header, aligned, and end before the target, and the target
    /// must end inside the entry. Never traps.
    static func decode(_ blob: LegacyBytes, at offset: Int, layout: LegacyLayout) throws(DecodeError) -> LegacyEntry {
        // Paths are built only when a check fails: interpolating them per field costs more than the walk.
        let path = EntryPath(offset: offset)
        guard offset % LegacyLayout.alignment == 0 else { throw blob.error(offset, "\(path): misaligned entry") }
        try blob.check(offset, layout.entrySize, "\(path) header")
        let targetOffset = Int(try blob.u16(offset + layout.targetOffsetField, "\(path).target_offset"))
        let nextOffset = Int(try blob.u16(offset + layout.nextOffsetField, "\(path).next_offset"))
        guard nextOffset % LegacyLayout.alignment == 0, targetOffset % LegacyLayout.alignment == 0 else {
            throw blob.error(offset, "\(path): misaligned target_offset \(targetOffset) or next_offset \(nextOffset)")
        }
        guard targetOffset >= layout.entrySize,
              targetOffset + LegacyLayout.extensionHeaderSize <= nextOffset else {
            throw blob.error(offset, "\(path): target_offset \(targetOffset) outside the entry (next_offset \(nextOffset))")
        }
        try blob.check(offset, nextOffset, "\(path) (next_offset \(nextOffset))")
        let header = try decodeHeader(blob, at: offset, layout: layout)
        let matches = try decodeMatches(blob, from: offset + layout.entrySize, to: offset + targetOffset, path: path)
        let target = try decodeTarget(blob, at: offset + targetOffset, end: offset + nextOffset, path: path)
        let counters = LegacyCounters(packets: try blob.u64(offset + layout.countersOffset, "\(path).pcnt"),
                                      bytes: try blob.u64(offset + layout.countersOffset + 8, "\(path).bcnt"))
        return LegacyEntry(offset: offset, nextOffset: nextOffset, header: header, matches: matches, target: target,
                           counters: counters)
    }

    static func decodeHeader(_ blob: LegacyBytes, at base: Int, layout: LegacyLayout) throws(DecodeError) -> LegacyIPHeader {
        let family = layout.family
        func interface(_ offset: Int) throws(DecodeError) -> String { try blob.string(base + offset, 16, "iface") }
        func mask(_ offset: Int) throws(DecodeError) -> [UInt8] { try blob.slice(base + offset, 16, "iface_mask") }
        return LegacyIPHeader(
            family: family,
            source: try blob.address(base + layout.sourceOffset, family, "src"),
            sourceMask: try blob.address(base + layout.sourceMaskOffset, family, "smsk"),
            destination: try blob.address(base + layout.destinationOffset, family, "dst"),
            destinationMask: try blob.address(base + layout.destinationMaskOffset, family, "dmsk"),
            inInterface: try interface(layout.inInterfaceOffset), inInterfaceMask: try mask(layout.inInterfaceMaskOffset),
            outInterface: try interface(layout.outInterfaceOffset),
            outInterfaceMask: try mask(layout.outInterfaceMaskOffset),
            protocolNumber: try blob.u16(base + layout.protocolOffset, "proto"),
            flags: try blob.u8(base + layout.flagsOffset, "flags"),
            invertFlags: try blob.u8(base + layout.invertFlagsOffset, "invflags"))
    }

    /// Walks the `xt_entry_match` records between the ip part and the target.
    static func decodeMatches(_ blob: LegacyBytes, from start: Int, to end: Int,
                              path: EntryPath) throws(DecodeError) -> [XtExtension] {
        var matches: [XtExtension] = []
        var cursor = start
        while cursor < end {
            let size = Int(try blob.u16(cursor, "\(path).match[\(matches.count)].match_size"))
            guard size >= LegacyLayout.extensionHeaderSize, size % LegacyLayout.alignment == 0,
                  size <= end - cursor else {
                throw blob.error(cursor, "\(path).match[\(matches.count)]: match_size \(size) does not fit \(end - cursor) bytes")
            }
            matches.append(try decodeExtension(blob, at: cursor, size: size, what: "\(path).match[\(matches.count)]"))
            cursor += size
        }
        return matches
    }

    static func decodeTarget(_ blob: LegacyBytes, at start: Int, end: Int, path: EntryPath) throws(DecodeError) -> Target {
        let size = Int(try blob.u16(start, "\(path).target_size"))
        guard size >= LegacyLayout.extensionHeaderSize, size % LegacyLayout.alignment == 0, size <= end - start else {
            throw blob.error(start, "\(path): target_size \(size) does not fit \(end - start) bytes")
        }
        let ext = try decodeExtension(blob, at: start, size: size, what: "\(path).target")
        switch ext.name {
        case "":
            guard size == LegacyLayout.standardTargetSize else {
                throw blob.error(start, "\(path): standard target of \(size) bytes")
            }
            return .standard(try blob.i32(start + LegacyLayout.extensionHeaderSize, "\(path).verdict"))
        case "ERROR":
            let nameLength = min(LegacyLayout.errorNameLength, size - LegacyLayout.extensionHeaderSize)
            return .error(try blob.string(start + LegacyLayout.extensionHeaderSize, nameLength, "\(path).errorname"))
        default:
            return .extension(ext)
        }
    }

    /// The 32-byte header (`__u16 size; char name[29]; __u8 revision`) and the payload after it.
    static func decodeExtension(_ blob: LegacyBytes, at start: Int, size: Int,
                                what: String) throws(DecodeError) -> XtExtension {
        let name = try blob.string(start + 2, LegacyLayout.extensionNameLength, "\(what).name")
        let revision = try blob.u8(start + 2 + LegacyLayout.extensionNameLength, "\(what).revision")
        let info = try blob.slice(start + LegacyLayout.extensionHeaderSize, size - LegacyLayout.extensionHeaderSize,
                                  "\(what).data")
        return XtExtension(name: name, revision: revision, info: info)
    }
}
