import NetCore
import NetNS
import Simulator

/// Listening sockets of a namespace, read from `/proc/thread-self/net/{tcp,tcp6,udp,udp6}` on a thread
/// inside it: TCP sockets in LISTEN, and UDP sockets bound with no peer.
enum ListenerTable {
    static func read(in namespace: borrowing NamespaceHandle) -> [Listener] {
        var listeners: [Listener] = []
        for (file, proto) in [("tcp", TransportProtocol.tcp), ("tcp6", .tcp), ("udp", .udp), ("udp6", .udp)] {
            guard let bytes = try? namespace.readFile("/proc/thread-self/net/\(file)") else { continue }
            listeners += parse(String(decoding: bytes, as: UTF8.self), proto: proto)
        }
        return listeners
    }

    /// One `/proc/net/tcp`-style table: `sl local_address rem_address st ...`, addresses as the kernel's
    /// 32-bit words printed in hex in host (little-endian) order, ports in hex.
    static func parse(_ text: String, proto: TransportProtocol) -> [Listener] {
        var result: [Listener] = []
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count > 3 else { continue }
            let state = fields[3]
            if proto == .tcp, state != "0A" { continue }  // TCP_LISTEN
            if proto == .udp, state != "07" { continue }  // TCP_CLOSE: bound, not connected
            let local = fields[1].split(separator: ":")
            guard local.count == 2, let port = UInt16(local[1], radix: 16), let address = address(String(local[0])) else { continue }
            let listener = Listener(proto: proto, address: address, port: port)
            if !result.contains(listener) { result.append(listener) }
        }
        return result
    }

    static func address(_ hex: String) -> IPAddress? {
        guard hex.count == 8 || hex.count == 32 else { return nil }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 8)
            guard let word = UInt32(hex[index..<next], radix: 16) else { return nil }
            // Each word was printed from memory in host order: its bytes are the network bytes reversed.
            bytes += [UInt8(word & 0xff), UInt8(word >> 8 & 0xff), UInt8(word >> 16 & 0xff), UInt8(word >> 24)]
            index = next
        }
        return IPAddress(networkBytes: bytes)
    }
}
