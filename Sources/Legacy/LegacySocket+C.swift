import NetCore
import SystemPackage
#if canImport(Glibc)
internal import Glibc
#endif

/// The x_tables getsockopt interface on a raw socket: the only place in this module that calls C.
///
/// Struct layouts are not imported from headers: requests are built and replies parsed as bytes in Swift
/// (``LegacyLayout``), so no C type leaves this file.
struct LegacySocket: ~Copyable {
    let descriptor: Int32
    let family: IPFamily

    /// `IPT_SO_GET_INFO` / `IP6T_SO_GET_INFO` (`IPT_BASE_CTL` 64) and `..._GET_ENTRIES` (65).
    static let getInfo: Int32 = 64
    static let getEntries: Int32 = 65

    /// Opens `socket(AF_INET or AF_INET6, SOCK_RAW, IPPROTO_RAW)` in the calling thread's namespace, as
    /// iptables does. Needs CAP_NET_RAW.
    init(family: IPFamily) throws(SyscallError) {
        let domain = family == .ipv4 ? AF_INET : AF_INET6
        let fd = socket(domain, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), Int32(IPPROTO_RAW))
        guard fd >= 0 else {
            throw SyscallError(call: "socket", target: family == .ipv4 ? "AF_INET raw" : "AF_INET6 raw",
                               errno: Errno(rawValue: Glibc.errno))
        }
        descriptor = fd
        self.family = family
    }

    deinit { close(descriptor) }

    private var level: Int32 { family == .ipv4 ? Int32(IPPROTO_IP) : Int32(IPPROTO_IPV6) }
    private var prefix: String { family == .ipv4 ? "IPT" : "IP6T" }

    /// `getsockopt(..._SO_GET_INFO)` for a table: the request holds the name, the reply the whole struct.
    func info(table: String) throws(SyscallError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: LegacyLayout.infoSize)
        Self.put(name: table, into: &buffer)
        try call(Self.getInfo, &buffer, what: "\(prefix)_SO_GET_INFO", table: table)
        return buffer
    }

    /// `getsockopt(..._SO_GET_ENTRIES)`: `struct ipt_get_entries` (name, size) followed by `size` bytes of
    /// entries. The kernel answers `EAGAIN` when the table changed size since the info call.
    func entries(table: String, size: Int) throws(SyscallError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: LegacyLayout.getEntriesHeaderSize + size)
        Self.put(name: table, into: &buffer)
        let size32 = UInt32(truncatingIfNeeded: size)
        withUnsafeBytes(of: size32) { raw in
            for (index, byte) in raw.enumerated() { buffer[LegacyLayout.tableNameLength + index] = byte }
        }
        try call(Self.getEntries, &buffer, what: "\(prefix)_SO_GET_ENTRIES", table: table)
        buffer.removeFirst(LegacyLayout.getEntriesHeaderSize)  // in place: the blob can be megabytes
        return buffer
    }

    private func call(_ option: Int32, _ buffer: inout [UInt8], what: String, table: String) throws(SyscallError) {
        let expected = buffer.count
        var length = socklen_t(expected)
        let result = buffer.withUnsafeMutableBytes { raw in
            getsockopt(descriptor, level, option, raw.baseAddress, &length)
        }
        guard result == 0 else {
            throw SyscallError(call: "getsockopt(\(what))", target: table, errno: Errno(rawValue: Glibc.errno))
        }
        guard Int(length) == expected else {
            throw SyscallError(call: "getsockopt(\(what))", target: "\(table): \(length) of \(expected) bytes",
                               errno: .ioError)
        }
    }

    /// `getsockopt(SOL_IP, SO_IP_SET)` with a request buffer that the kernel overwrites with its reply (the
    /// ipset name queries iptables-save makes; see `Xtables.IPSetNameQuery`). Needs an `AF_INET` socket.
    func ipsetQuery(_ buffer: inout [UInt8], what: String) throws(SyscallError) {
        var length = socklen_t(buffer.count)
        let result = buffer.withUnsafeMutableBytes { raw in
            getsockopt(descriptor, Int32(IPPROTO_IP), 83, raw.baseAddress, &length)  // SO_IP_SET
        }
        guard result == 0 else {
            throw SyscallError(call: "getsockopt(SO_IP_SET)", target: what, errno: Errno(rawValue: Glibc.errno))
        }
        buffer = Array(buffer.prefix(Int(length)))
    }

    /// `char name[XT_TABLE_MAXNAMELEN]`, NUL-padded.
    private static func put(name: String, into buffer: inout [UInt8]) {
        for (index, byte) in name.utf8.prefix(LegacyLayout.tableNameLength - 1).enumerated() { buffer[index] = byte }
    }
}
