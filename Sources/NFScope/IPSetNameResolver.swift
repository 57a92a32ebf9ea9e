import NetCore
import NetNS
import Synchronization
import SystemPackage
import Xtables
#if canImport(Glibc)
import Glibc
#endif

/// Names ipsets by index inside one network namespace, as iptables-save does for `-m set` and `-j SET`:
/// `getsockopt(SOL_IP, SO_IP_SET, IP_SET_OP_GET_BYINDEX)` on a raw IPv4 socket opened in that namespace
/// (`IPSetNameQuery` holds the byte layout). Answers are cached; a kernel without ipset, or an index with
/// no set, gives nil and the renderer prints `<ipset#N>`.
public final class IPSetNameResolver: @unchecked Sendable {
    private let descriptor: Int32
    /// The ipset protocol version and the answers so far; locked, because the threads of a parallel ruleset
    /// read ask at once.
    private let state = Mutex<(version: UInt32?, cache: [UInt16: String?])>((nil, [:]))

    /// Opens the query socket inside the namespace (on a namespace thread).
    public init(namespace: borrowing NamespaceHandle) throws {
        descriptor = try NetNS.run(in: namespace) { () throws -> Int32 in
            let fd = socket(AF_INET, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), Int32(IPPROTO_RAW))
            guard fd >= 0 else { throw SyscallError(call: "socket", target: "AF_INET raw (ipset names)", errno: Errno(rawValue: errno)) }
            return fd
        }
    }

    deinit { close(descriptor) }

    /// The name of ipset `index`, or nil.
    public func name(_ index: UInt16) -> String? {
        state.withLock { state in
            if let cached = state.cache[index] { return cached }
            let name = lookup(index, version: &state.version)
            state.cache[index] = name
            return name
        }
    }

    private func lookup(_ index: UInt16, version: inout UInt32?) -> String? {
        if version == nil {
            guard let reply = exchange(IPSetNameQuery.versionRequest()) else { return nil }
            version = try? IPSetNameQuery.version(fromReply: reply)
        }
        guard let version, let reply = exchange(IPSetNameQuery.nameRequest(index: index, version: version)) else { return nil }
        return (try? IPSetNameQuery.name(fromReply: reply)) ?? nil
    }

    /// One getsockopt exchange: the buffer is request and reply.
    private func exchange(_ request: [UInt8]) -> [UInt8]? {
        var buffer = request
        var length = socklen_t(buffer.count)
        let result = buffer.withUnsafeMutableBytes { bytes in
            getsockopt(descriptor, IPSetNameQuery.level, IPSetNameQuery.option, bytes.baseAddress, &length)
        }
        guard result == 0 else { return nil }
        return Array(buffer.prefix(Int(length)))
    }
}
