import NetCore
import NetNS
import Netlink
import Route

/// Builds the `netns list` reports: the inventory, then each namespace's interfaces and addresses read over
/// rtnetlink inside it, then veth peers resolved across namespaces through netns ids.
public struct NamespaceReporter: Sendable {
    public init() {}

    public func reports() throws -> [NamespaceReport] {
        let inventory = NamespaceInventory.scan()
        var opened: [OpenNamespace] = []
        var reports: [NamespaceReport] = []
        for entry in inventory.entries {
            var report = NamespaceReport(entry: entry)
            do {
                guard let namespace = try OpenNamespace.open(entry) else { continue }  // every path vanished: gone
                report.interfaces = namespace.interfaces()
                opened.append(namespace)
            } catch let error as NamespaceError where error.kind == .permissionDenied {
                throw error
            } catch let error as NetlinkError where error.errno.isPermissionDenied {
                throw error
            } catch {
                report.error = ProblemReport(error)?.message ?? "\(error)"
            }
            reports.append(report)
        }
        resolvePeers(&reports, opened)
        return reports
    }

    /// Fills in the namespace of each veth peer that lives elsewhere: a link's `IFLA_LINK_NETNSID` is an id
    /// in its own namespace's id space, so ask that namespace which id it gives each other namespace.
    private func resolvePeers(_ reports: inout [NamespaceReport], _ opened: [OpenNamespace]) {
        let byInode = Dictionary(opened.map { ($0.id.inode, $0) }, uniquingKeysWith: { first, _ in first })
        for reportIndex in reports.indices {
            guard let namespace = byInode[reports[reportIndex].inode], namespace.hasForeignPeers else { continue }
            var idToNamespace: [Int32: OpenNamespace] = [:]
            for other in opened where other.id != namespace.id {
                if let nsid = namespace.nsid(of: other) { idToNamespace[nsid] = other }
            }
            for interfaceIndex in reports[reportIndex].interfaces.indices {
                guard let nsid = namespace.peerNamespaceIDs[reports[reportIndex].interfaces[interfaceIndex].index],
                      let peerNamespace = idToNamespace[nsid] else { continue }
                guard var peer = reports[reportIndex].interfaces[interfaceIndex].peer else { continue }
                peer.namespace = peerNamespace.label
                peer.namespaceInode = peerNamespace.id.inode
                peer.name = peerNamespace.linkNames[peer.index]
                reports[reportIndex].interfaces[interfaceIndex].peer = peer
            }
        }
    }
}

extension NamespaceReport {
    init(entry: NamespaceInventory.Entry) {
        self.init(inode: entry.id.inode, device: entry.id.device,
                  label: entry.isCurrent && entry.names.isEmpty ? "current" : entry.label,
                  names: entry.names, isCurrent: entry.isCurrent, processCount: entry.processes.count,
                  processes: Array(entry.processes.prefix(NamespaceReport.processLimit)), interfaces: [], error: nil)
    }
}
