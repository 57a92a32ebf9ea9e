import NetCore
import SystemPackage

/// What an event subscription delivers: a message, a report of lost messages, or a quiet interval.
public enum NetlinkEventDelivery: Sendable {
    /// One multicast message (already length-validated).
    case message(NetlinkMessage)
    /// The socket's receive buffer overflowed (`ENOBUFS`): the kernel dropped events. The subscription
    /// continues; the count of what was lost is unknown.
    case lost
    /// The receive timeout (`SO_RCVTIMEO`) passed without a message; a chance to check for a stop request.
    case idle
}

extension NetlinkConnection {
    /// Receives multicast messages (after `NetlinkSocket.join(group:)`) and hands each to `body` until it
    /// returns `false`.
    ///
    /// Unlike a dump, an overrun is not fatal here: it is reported as `.lost`, never silently dropped,
    /// and the loop goes on. A receive timeout set on the socket turns into `.idle` deliveries.
    public func receiveEvents(operation: NetlinkOperation = .init(verb: "receive", object: "events"),
                              _ body: (NetlinkEventDelivery) throws -> Bool) throws {
        var buffer = [UInt8](repeating: 0, count: NetlinkConnection.receiveBufferBytes)
        while true {
            let received: Int
            do {
                received = try transport.receive(into: &buffer)
            } catch .noBufferSpace {
                if try !body(.lost) { return }
                continue
            } catch .resourceTemporarilyUnavailable {
                if try !body(.idle) { return }
                continue
            } catch {
                throw NetlinkError(operation: operation, errno: error, namespace: namespace)
            }
            var iterator = NetlinkMessageSequence(buffer[0..<received]).makeIterator()
            while let message = iterator.next() {
                if message.header.type == NetlinkControlType.noop { continue }
                if try !body(.message(message)) { return }
            }
            if let error = iterator.error { throw error }
        }
    }
}
