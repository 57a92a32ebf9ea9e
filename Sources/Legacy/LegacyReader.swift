import NetCore
import NetNS
import SystemPackage
import Xtables

/// Reads a namespace's iptables-legacy tables through the x_tables getsockopt interface, without
/// creating any.
///
/// Asking the kernel for a table's info creates that table when its module is loaded (and a new table
/// registers hooks, which changes what the kernel does to packets). So the reader first reads
/// `/proc/thread-self/net/ip_tables_names` (or `ip6_tables_names`) on the namespace thread and asks only
/// for the tables listed there. No file (the `ip_tables` module is not loaded) means no tables.
public enum LegacyReader {
    /// The raw reply for one table: its info and its entries blob, before decoding.
    public struct RawTable: Sendable, Hashable {
        public var info: LegacyTableInfo
        public var entries: [UInt8]
    }

    /// The largest entries blob the reader accepts (1 GiB).
    public static let maximumTableBytes: UInt32 = 1 << 30

    /// The tables of one family, in the order the kernel lists them (the order iptables-save prints), with
    /// the names of the ipsets their rules refer to.
    public static func tables(in namespace: borrowing NamespaceHandle, family: IPFamily) throws -> [LegacyTable] {
        try NetNS.run(in: namespace) { () throws -> [LegacyTable] in
            let raw = try rawTablesOnThisThread(family)
            var tables = try raw.map { raw throws(DecodeError) in
                try LegacyTable.decode(info: raw.info, entries: raw.entries, family: family)
            }
            var indices: [UInt16] = []
            for index in tables.flatMap(\.ipsetIndices) where !indices.contains(index) { indices.append(index) }
            if !indices.isEmpty {
                // Names are a rendering nicety: without them sets print as `<ipset#N>`, so a failed query
                // (no ip_set module, a set deleted meanwhile) must not fail the whole read.
                let names = (try? ipsetNamesOnThisThread(indices)) ?? [:]
                for position in tables.indices { tables[position].ipsetNames = names }
            }
            return tables
        }
    }

    /// The table names the namespace lists for a family (empty when the module is not loaded).
    public static func tableNames(in namespace: borrowing NamespaceHandle, family: IPFamily) throws -> [String] {
        try NetNS.run(in: namespace) { try namesOnThisThread(family) }
    }

    /// Reads info and entries for every listed table on one namespace thread; decoding happens after.
    public static func rawTables(in namespace: borrowing NamespaceHandle, family: IPFamily) throws -> [RawTable] {
        try NetNS.run(in: namespace) { try rawTablesOnThisThread(family) }
    }

    static func rawTablesOnThisThread(_ family: IPFamily) throws -> [RawTable] {
        let names = try namesOnThisThread(family)
        guard !names.isEmpty else { return [] }
        let socket = try LegacySocket(family: family)
        var tables: [RawTable] = []
        for name in names {
            // A table unregistered between the names file and the info call answers ENOENT: it is gone,
            // not broken. (Result rather than `catch where`, which crashes the 6.3 ownership checker here.)
            switch Result(catching: { () throws -> RawTable in try read(name, socket: socket) }) {
            case .success(let table): tables.append(table)
            case .failure(let error as SyscallError) where error.errno == .noSuchFileOrDirectory: continue
            case .failure(let error): throw error
            }
        }
        return tables
    }

    /// Asks the kernel for ipset names by index, as iptables-save does (`IPSetNameQuery` over
    /// `SO_IP_SET` on an `AF_INET` socket, for both families). Unknown indices stay unnamed.
    static func ipsetNamesOnThisThread(_ indices: [UInt16]) throws -> [UInt16: String] {
        let socket = try LegacySocket(family: .ipv4)
        var version = IPSetNameQuery.versionRequest()
        try socket.ipsetQuery(&version, what: "ipset protocol version")
        let protocolVersion = try IPSetNameQuery.version(fromReply: version)
        var names: [UInt16: String] = [:]
        for index in indices {
            var request = IPSetNameQuery.nameRequest(index: index, version: protocolVersion)
            try socket.ipsetQuery(&request, what: "ipset #\(index)")
            if let name = try IPSetNameQuery.name(fromReply: request) { names[index] = name }
        }
        return names
    }

    /// `/proc/thread-self/net/ip_tables_names`: one name per line. Must run on the namespace thread.
    static func namesOnThisThread(_ family: IPFamily) throws(SyscallError) -> [String] {
        let path = "/proc/thread-self/net/" + (family == .ipv4 ? "ip_tables_names" : "ip6_tables_names")
        switch Result(catching: { () throws(SyscallError) -> [UInt8] in try ProcFile.read(path) }) {
        case .success(let bytes): return parseNames(bytes)
        case .failure(let error) where error.errno == .noSuchFileOrDirectory: return []
        case .failure(let error): throw error
        }
    }

    /// Splits the names file; ignores empty lines.
    static func parseNames(_ bytes: [UInt8]) -> [String] {
        bytes.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }.filter { !$0.isEmpty }
    }

    /// Info then entries; retried when the table changed size in between (`EAGAIN`).
    static func read(_ name: String, socket: borrowing LegacySocket) throws -> RawTable {
        var lastError: SyscallError?
        for _ in 0..<5 {
            let info = try LegacyTableInfo.decode(try socket.info(table: name))
            // The kernel caps tables far below this; a larger size is a broken reply, not a buffer to allocate.
            guard info.size <= maximumTableBytes else {
                throw DecodeError(path: "ipt_getinfo(\(name)).size", offset: 80,
                                  reason: "table of \(info.size) bytes exceeds \(maximumTableBytes)")
            }
            switch Result(catching: { () throws(SyscallError) -> [UInt8] in
                try socket.entries(table: name, size: Int(info.size))
            }) {
            case .success(let entries):
                return RawTable(info: info, entries: entries)
            case .failure(let error):
                guard error.errno == .resourceTemporarilyUnavailable else { throw error }
                lastError = error
            }
        }
        throw lastError ?? SyscallError(call: "getsockopt", target: name, errno: .resourceTemporarilyUnavailable)
    }
}

extension BackendReport {
    /// Reads both backends of a namespace: legacy tables of both families (never creating one) and the
    /// nf_tables chain census.
    public static func read(in namespace: borrowing NamespaceHandle) throws -> BackendReport {
        let legacy = try LegacyReader.tables(in: namespace, family: .ipv4)
            + LegacyReader.tables(in: namespace, family: .ipv6)
        let census = try NFTablesCensus.read(try namespace.connection(.netfilter))
        return BackendReport(legacy: legacy, nftables: census)
    }
}
