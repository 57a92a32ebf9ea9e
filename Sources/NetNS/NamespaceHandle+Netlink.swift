import NetCore
import Netlink
import SystemPackage

extension NamespaceHandle {
    /// Opens a netlink socket inside this namespace (on a namespace thread) and returns a connection that
    /// keeps talking to it from any thread.
    public func connection(_ proto: NetlinkProtocol) throws -> NetlinkConnection {
        let id = self.id
        let descriptor = try NetNS.run(in: self) { () throws -> FileDescriptor in
            do {
                return try NetlinkSocket.openDescriptor(proto)
            } catch {
                throw NetlinkError(operation: .open(proto), errno: Errno(systemError: error), namespace: id)
            }
        }
        let socket = try NetlinkSocket(adopting: descriptor, protocol: proto, namespace: id)
        return NetlinkConnection(transport: socket, namespace: id)
    }

    /// Reads a file inside the namespace, such as `/proc/sys/net/ipv4/ip_forward` or
    /// `/proc/thread-self/net/ip_tables_names` (paths under `/proc/self` would show the main thread's view).
    public func readFile(_ path: String, maxBytes: Int = 1 << 20) throws -> [UInt8] {
        try NetNS.run(in: self) { try ProcFile.read(path, maxBytes: maxBytes) }
    }
}
