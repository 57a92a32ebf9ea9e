import Foundation
import NetCore
import Xtables
#if canImport(Glibc)
import Glibc
#endif

/// Resolves ipset names the way iptables-save does, through Xtables' IPSetNameQuery buffers, on a raw socket
/// opened in the calling thread's namespace.
enum IPSetSockopt {
    struct Failure: Error { var call: String; var errno: Int32 }

    /// Names of the sets at indexes 0..<count that exist.
    static func names(count: Int) throws -> [UInt16: String] {
        let fd = socket(AF_INET, Int32(SOCK_RAW.rawValue), Int32(IPPROTO_RAW))
        guard fd >= 0 else { throw Failure(call: "socket", errno: errno) }
        defer { close(fd) }
        let version = try IPSetNameQuery.version(fromReply: exchange(fd, IPSetNameQuery.versionRequest()))
        var names: [UInt16: String] = [:]
        for index in 0..<UInt16(count) {
            let reply = try exchange(fd, IPSetNameQuery.nameRequest(index: index, version: version))
            if let name = try IPSetNameQuery.name(fromReply: reply) { names[index] = name }
        }
        return names
    }

    static func exchange(_ fd: Int32, _ request: [UInt8]) throws -> [UInt8] {
        var buffer = request
        var length = socklen_t(buffer.count)
        let result = buffer.withUnsafeMutableBytes {
            getsockopt(fd, IPSetNameQuery.level, IPSetNameQuery.option, $0.baseAddress, &length)
        }
        guard result == 0 else { throw Failure(call: "getsockopt(SO_IP_SET)", errno: errno) }
        return Array(buffer[..<Int(length)])
    }
}
