import Foundation
import NetCore
import Xtables
#if canImport(Glibc)
import Glibc
#endif

/// Reads an iptables-legacy table through `getsockopt(IPT_SO_GET_INFO / IPT_SO_GET_ENTRIES)` (or the ip6t
/// twins) and cuts each rule's `xt_entry_match` / `xt_entry_target` records out of the entries, for the
/// legacy differential test. Runs on the calling thread's namespace. Test-only: the bytes come from the kernel.
enum XtablesLegacyReader {
    struct Failure: Error, CustomStringConvertible {
        var what: String
        var description: String { what }
    }

    /// A rule of a builtin chain with its compat extensions in order (the standard target is left out).
    struct Rule: Sendable {
        var chain: String
        var extensions: [(isTarget: Bool, ext: XtExtension)]
    }

    static let hookNames = ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"]

    static func rules(table: String, family: IPFamily) throws -> [Rule] {
        let v6 = family == .ipv6
        let fd = socket(v6 ? AF_INET6 : AF_INET, Int32(SOCK_RAW.rawValue), Int32(IPPROTO_RAW))
        guard fd >= 0 else { throw Failure(what: "socket: errno \(errno)") }
        defer { close(fd) }
        let level = v6 ? Int32(IPPROTO_IPV6) : Int32(IPPROTO_IP)
        // struct ipt_getinfo: name[32], valid_hooks, hook_entry[5], underflow[5], num_entries, size.
        var info = Array(table.utf8) + Array(repeating: UInt8(0), count: 84 - table.utf8.count)
        try get(fd, level, 64, &info)
        let hookEntry = (0..<5).map { Int(u32(info, 36 + 4 * $0)) }
        let underflow = (0..<5).map { Int(u32(info, 56 + 4 * $0)) }
        let validHooks = u32(info, 32), size = Int(u32(info, 80))
        // struct ipt_get_entries: name[32], size, then the entries at offset 40.
        var entries = Array(table.utf8) + Array(repeating: UInt8(0), count: 40 + size - table.utf8.count)
        entries.replaceSubrange(32..<36, with: withUnsafeBytes(of: UInt32(size)) { Array($0) })
        try get(fd, level, 65, &entries)
        let blob = Array(entries[40...])
        var rules: [Rule] = []
        var offset = 0
        let entryHeader = v6 ? 168 : 112, targetOffsetField = v6 ? 140 : 88
        while offset + entryHeader <= blob.count {
            let targetOffset = Int(u16(blob, offset + targetOffsetField))
            let nextOffset = Int(u16(blob, offset + targetOffsetField + 2))
            guard nextOffset > 0, offset + nextOffset <= blob.count else { throw Failure(what: "bad entry") }
            let hook = (0..<5).first { validHooks & (1 << $0) != 0 && offset >= hookEntry[$0] && offset < underflow[$0] }
            if let hook {
                var extensions: [(Bool, XtExtension)] = []
                var cursor = offset + entryHeader
                while cursor < offset + targetOffset {
                    extensions.append((false, record(blob, cursor)))
                    cursor += Int(u16(blob, cursor))
                }
                let target = record(blob, offset + targetOffset)
                if !target.name.isEmpty { extensions.append((true, target)) }
                rules.append(Rule(chain: hookNames[hook], extensions: extensions))
            }
            offset += nextOffset
        }
        return rules
    }

    /// `struct xt_entry_match` / `xt_entry_target`: `__u16 size; char name[29]; __u8 revision;` then data.
    static func record(_ blob: [UInt8], _ offset: Int) -> XtExtension {
        let size = Int(u16(blob, offset))
        let nameBytes = blob[(offset + 2)..<(offset + 31)]
        let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
        return XtExtension(name: name, revision: blob[offset + 31], info: Array(blob[(offset + 32)..<(offset + size)]))
    }

    static func get(_ fd: Int32, _ level: Int32, _ option: Int32, _ buffer: inout [UInt8]) throws {
        var length = socklen_t(buffer.count)
        let result = buffer.withUnsafeMutableBytes { getsockopt(fd, level, option, $0.baseAddress, &length) }
        guard result == 0 else { throw Failure(what: "getsockopt(\(option)): errno \(errno)") }
    }

    static func u16(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
        bytes[offset..<(offset + 2)].withUnsafeBytes { $0.loadUnaligned(as: UInt16.self) }
    }

    static func u32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        bytes[offset..<(offset + 4)].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
    }
}
