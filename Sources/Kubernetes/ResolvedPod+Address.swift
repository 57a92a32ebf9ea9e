import NetCore
import NetNS
import Route

extension ResolvedPod {
    /// This pod with ``ip`` read from its namespace over rtnetlink: the global (universe-scope) address of
    /// `interface` (CNI plugins name the pod side `eth0`), IPv4 first. `ip` stays `nil` when the
    /// interface has no global address; errors opening the namespace or reading it are thrown as they are
    /// (`NamespaceError`, `NetlinkError`).
    public func readingAddress(interface: String = "eth0") throws -> ResolvedPod {
        let handle = try NamespaceHandle(path: netnsPath, label: "pod \(reference)")
        let reader = RouteReader(connection: try handle.connection(.route))
        var copy = self
        copy.ip = try ResolvedPod.address(of: interface, links: reader.links(), addresses: reader.addresses())
        return copy
    }

    /// The pick made by ``readingAddress(interface:)``, separated so that it can be tested on values.
    static func address(of interface: String, links: [Link], addresses: [InterfaceAddress]) -> IPAddress? {
        guard let index = links.first(where: { $0.name == interface })?.index else { return nil }
        let global = addresses.filter {
            $0.interfaceIndex == index && $0.scope == .universe && !$0.flags.contains(.tentative) && !$0.flags.contains(.dadFailed)
        }
        return (global.first { $0.family == .ipv4 } ?? global.first)?.local
    }
}
