import NetCore
import Netlink
import NetNS

/// A subscription to a namespace's conntrack events.
///
/// The socket joins the event groups inside the namespace; events are decoded, filtered in Swift (the
/// kernel has no per-subscriber filter for ctnetlink events) and delivered until the closure says stop.
/// Overruns are delivered as `.lost`, never dropped silently.
public final class ConntrackWatcher {
    public let connection: NetlinkConnection

    /// Subscribes through an existing connection whose transport already joined the groups (tests).
    public init(connection: NetlinkConnection) {
        self.connection = connection
    }

    /// Opens a socket in `namespace` and joins the groups of `types`.
    ///
    /// `wakeEveryMilliseconds` bounds how long a quiet subscription waits before the closure of
    /// ``watch(matching:stop:_:)`` is asked whether to stop.
    public convenience init(namespace: borrowing NamespaceHandle, types: ConntrackEventTypes = .all,
                            receiveBufferBytes: Int? = nil, wakeEveryMilliseconds: Int = 200) throws {
        let connection = try namespace.connection(.netfilter)
        guard let socket = connection.transport as? NetlinkSocket else {
            throw NetlinkError(operation: .setsockopt("NETLINK_ADD_MEMBERSHIP"), errno: .notSupported,
                               kernelMessage: "the connection's transport is not a socket", namespace: connection.namespace)
        }
        for group in types.groups { try socket.join(group: group) }
        if let receiveBufferBytes { try socket.setReceiveBufferSize(receiveBufferBytes) }
        try socket.setReceiveTimeout(milliseconds: wakeEveryMilliseconds)
        self.init(connection: connection)
    }

    /// Delivers events that pass `filter` (and every `.lost`) to `body` until `body` returns `false` or
    /// `stop` returns `true` (asked after every event and every quiet interval).
    public func watch(matching filter: ConntrackFilter = ConntrackFilter(), stop: () -> Bool = { false },
                      _ body: (ConntrackEvent) throws -> Bool) throws {
        try connection.receiveEvents(operation: .init(verb: "watch", object: "conntrack events")) { delivery in
            switch delivery {
            case .idle:
                return !stop()
            case .lost:
                return try body(.lost) && !stop()
            case .message(let message):
                guard let event = try ConntrackEvent(message: message) else { return !stop() }
                if let flow = event.flow, !filter.matches(flow) { return !stop() }
                return try body(event) && !stop()
            }
        }
    }
}
