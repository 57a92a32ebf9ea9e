import Conntrack
import NetCore
import Netlink
import SystemPackage

/// Hex to bytes, for golden messages.
func bytes(hex: String) -> [UInt8] {
    var result: [UInt8] = []
    var iterator = hex.utf8.makeIterator()
    func nibble(_ c: UInt8) -> UInt8 { c <= 57 ? c - 48 : (c | 0x20) - 87 }
    while let high = iterator.next(), let low = iterator.next() { result.append(nibble(high) << 4 | nibble(low)) }
    return result
}

/// The one netlink message in a golden hex string.
func goldenMessage(_ hex: String) throws -> NetlinkMessage {
    let messages = try NetlinkMessageSequence(bytes(hex: hex)[...]).validated()
    guard messages.count == 1, let message = messages.first else { throw DecodeError(path: "golden", offset: 0, reason: "not one message") }
    return message
}

/// A golden message re-addressed to a request: the fake kernel's reply.
func restamped(_ hex: String, sequence: UInt32, portID: UInt32, flags: UInt16? = nil) -> [UInt8] {
    var message = bytes(hex: hex)
    write(sequence, into: &message, at: 8)
    write(portID, into: &message, at: 12)
    if let flags { message[6] = UInt8(flags & 0xff); message[7] = UInt8(flags >> 8) }
    return message
}

func write(_ value: UInt32, into bytes: inout [UInt8], at offset: Int) {
    for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
}

/// `NLMSG_DONE` with status 0, or `NLMSG_ERROR` with `-errno`.
func controlMessage(type: UInt16, sequence: UInt32, portID: UInt32, code: Int32) -> [UInt8] {
    var message: [UInt8] = []
    message.appendHost(UInt32(NetlinkHeader.size + (type == NetlinkControlType.error ? 20 : 4)))
    message.appendHost(type)
    message.appendHost(UInt16(NetlinkFlags.multipart.rawValue))
    message.appendHost(sequence)
    message.appendHost(portID)
    message.appendHost(code)
    if type == NetlinkControlType.error { message.append(contentsOf: [UInt8](repeating: 0, count: 16)) }
    return message
}

/// A scripted kernel: each request is answered by `respond`, whose datagrams (or errno) `receive` hands out.
final class ScriptedTransport: NetlinkTransport {
    enum Reply { case datagram([UInt8]), failure(Errno) }

    let portID: UInt32 = 4242
    private(set) var requests: [[UInt8]] = []
    private var queue: [Reply] = []
    private let respond: (_ request: [UInt8], _ sequence: UInt32, _ portID: UInt32) -> [Reply]

    init(respond: @escaping (_ request: [UInt8], _ sequence: UInt32, _ portID: UInt32) -> [Reply]) {
        self.respond = respond
    }

    /// Replies that arrive without a request (events).
    func enqueue(_ replies: [Reply]) { queue.append(contentsOf: replies) }

    func send(_ datagram: [UInt8]) throws(Errno) {
        requests.append(datagram)
        let sequence = (try? datagram[...].hostInteger(UInt32.self, at: 8, path: "seq")) ?? 0
        queue.append(contentsOf: respond(datagram, sequence, portID))
    }

    func receive(into buffer: inout [UInt8]) throws(Errno) -> Int {
        guard !queue.isEmpty else { throw .resourceTemporarilyUnavailable }
        switch queue.removeFirst() {
        case .failure(let errno): throw errno
        case .datagram(let bytes):
            buffer.replaceSubrange(0..<bytes.count, with: bytes)
            return bytes.count
        }
    }

    func growReceiveBuffer() -> Bool { false }
}
