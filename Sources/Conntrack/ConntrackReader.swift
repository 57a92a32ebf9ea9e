import NetCore
import Netlink
import NetNS
import SystemPackage

/// Reads and changes the conntrack table of one network namespace over ctnetlink.
///
/// Dumps stream: each flow is decoded, filtered and handed to the caller's closure while the next batch
/// is still in the kernel, so memory does not grow with the table. Not for concurrent use.
public final class ConntrackReader {
    /// The netfilter netlink conversation (its socket lives in the namespace it was opened in).
    public let connection: NetlinkConnection

    public init(connection: NetlinkConnection) {
        self.connection = connection
    }

    /// Opens a netfilter socket inside `namespace`; reads through it keep working from any thread and even
    /// after the namespace's name is removed (the open socket keeps the namespace alive).
    public convenience init(namespace: borrowing NamespaceHandle) throws {
        self.init(connection: try namespace.connection(.netfilter))
    }

    /// Streams every flow that passes `filter` to `body`, in the kernel's hash order.
    ///
    /// The kernel gets the parts of the filter it understands; if it refuses them (`EINVAL`,
    /// `EOPNOTSUPP` on an older kernel) the dump is repeated unfiltered. Either way the filter is applied
    /// again here, so the answer never depends on what the kernel did with it.
    @discardableResult
    public func flows(matching filter: ConntrackFilter = ConntrackFilter(),
                      _ body: (Flow) throws -> Void) throws -> DumpSummary {
        // The kernel takes tuple filters only with a family: without one, ask per family so it can filter.
        guard filter.impliedFamily == nil, filter.hasKernelTupleConditions else {
            return try dump(filter, body)
        }
        var total = DumpSummary()
        for family in IPFamily.allCases {
            var perFamily = filter
            perFamily.family = family
            total.add(try dump(perFamily, body))
        }
        return total
    }

    private func dump(_ filter: ConntrackFilter, _ body: (Flow) throws -> Void) throws -> DumpSummary {
        var summary = DumpSummary()
        let operation = NetlinkOperation.dump("conntrack table")
        do {
            summary.inconsistency = try connection.dump(filter.dumpRequest(kernelFilter: true), operation: operation) {
                try deliver($0, filter: filter, summary: &summary, body)
            }
            summary.kernelFilter = .sent
        } catch let error as NetlinkError where summary.received == 0 && Self.isFilterRefusal(error.errno) {
            summary.kernelFilter = .refused(error.errno)
            summary.inconsistency = try connection.dump(filter.dumpRequest(kernelFilter: false), operation: operation) {
                try deliver($0, filter: filter, summary: &summary, body)
            }
        }
        return summary
    }

    private func deliver(_ message: NetlinkMessage, filter: ConntrackFilter, summary: inout DumpSummary,
                         _ body: (Flow) throws -> Void) throws {
        guard message.header.type == CTNetlink.messageType(CTNetlink.Message.new) else { return }
        summary.received += 1
        let flow = try Flow(message: message)
        guard filter.matches(flow) else { return }
        summary.matched += 1
        try body(flow)
    }

    static func isFilterRefusal(_ errno: Errno) -> Bool {
        errno == .invalidArgument || errno == .notSupported || errno == .protocolNotSupported
            || errno == Errno(rawValue: 95) /* EOPNOTSUPP */
    }
}

/// What a dump did besides delivering flows.
public struct DumpSummary: Hashable, Sendable {
    /// Flows the kernel sent (after its own filtering).
    public var received = 0
    /// Flows that passed the Swift-side filter and were delivered.
    public var matched = 0
    /// Whether the kernel accepted the dump filter.
    public var kernelFilter: KernelFilterOutcome = .sent
    /// Set when the dump may have missed or doubled entries (messages lost to `ENOBUFS`,
    /// `NLM_F_DUMP_INTR`); the caller should say so.
    public var inconsistency: DumpInconsistency?

    public init() {}

    mutating func add(_ other: DumpSummary) {
        received += other.received
        matched += other.matched
        if case .refused = other.kernelFilter { kernelFilter = other.kernelFilter }
        inconsistency = inconsistency ?? other.inconsistency
    }
}

/// What happened to the filter sent with a dump.
public enum KernelFilterOutcome: Hashable, Sendable {
    /// Sent and accepted (which does not prove the kernel applied every part of it).
    case sent
    /// Refused with this errno; the dump was repeated unfiltered and filtered in Swift only.
    case refused(Errno)
}
