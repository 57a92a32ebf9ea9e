import NetCore
import SystemPackage

/// A netlink conversation that failed: what was being done, in which namespace, the errno, and the text the
/// kernel attached through extended acknowledgements (`NLMSGERR_ATTR_MSG`), when it sent one.
public struct NetlinkError: Error, Sendable, CustomStringConvertible {
    public var operation: NetlinkOperation
    public var errno: Errno
    /// The kernel's extended-ack message, such as "Unknown device type".
    public var kernelMessage: String?
    /// The namespace the socket talks to, when known.
    public var namespace: NamespaceID?
    /// nfscope's own explanation, when the errno alone would mislead (a dump that never came out whole).
    public var detail: String?
    /// Set when a consistent dump gave up: what broke its last attempt.
    public var inconsistency: DumpInconsistency?

    public init(operation: NetlinkOperation, errno: Errno, kernelMessage: String? = nil,
                namespace: NamespaceID? = nil, detail: String? = nil, inconsistency: DumpInconsistency? = nil) {
        self.operation = operation
        self.errno = errno
        self.kernelMessage = kernelMessage
        self.namespace = namespace
        self.detail = detail
        self.inconsistency = inconsistency
    }

    public var description: String {
        var text = "\(operation)"
        if let namespace { text += " in \(namespace)" }
        text += ": \(errno.describedWithName)"
        if let kernelMessage, !kernelMessage.isEmpty { text += " (kernel: \(kernelMessage))" }
        if let detail, !detail.isEmpty { text += "; \(detail)" }
        return text
    }
}

/// What a netlink conversation was doing: `dump links`, `get nsid`, `bind netfilter socket`.
public struct NetlinkOperation: Hashable, Sendable, CustomStringConvertible {
    /// The verb: `open`, `bind`, `setsockopt`, `send`, `receive`, `dump`, `get`.
    public var verb: String
    /// What it acted on: `links`, `route socket`, `SO_RCVBUF`.
    public var object: String

    public init(verb: String, object: String) {
        self.verb = verb
        self.object = object
    }

    public static func dump(_ object: String) -> NetlinkOperation { .init(verb: "dump", object: object) }
    public static func get(_ object: String) -> NetlinkOperation { .init(verb: "get", object: object) }
    public static func open(_ proto: NetlinkProtocol) -> NetlinkOperation {
        .init(verb: "open", object: "\(proto) netlink socket")
    }
    public static func setsockopt(_ option: String) -> NetlinkOperation { .init(verb: "setsockopt", object: option) }

    public var description: String { "\(verb) \(object)" }
}

/// Why a dump's answer cannot be trusted as a consistent whole, so that the caller replays it.
public enum DumpInconsistency: Sendable, Equatable {
    /// The kernel flagged a change during the dump (`NLM_F_DUMP_INTR`).
    case interrupted
    /// The socket's receive buffer overflowed and messages were lost (`ENOBUFS`).
    case messagesLost
}
