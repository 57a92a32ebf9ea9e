import Foundation
import NetCore
import Netlink
import NetNS
import Testing
import TestLab

@Suite("netlink dumps against the kernel", .serialized,
       .enabled(if: Shell.isRoot, "needs root: creates network namespaces"))
struct DumpAbandonTests {
    struct Stop: Error {}

    /// 40 veth pairs: a link dump of 81 links spans several kernel batches, so the kernel is still
    /// mid-dump when the first datagram arrives.
    static func manyLinks(_ lab: Lab) throws -> LabNamespace {
        let namespace = try lab.namespace("many")
        let batch = (0..<40).map { "link add nfsv\($0)a type veth peer name nfsv\($0)b" }.joined(separator: "\n")
        try namespace.exec(["ip", "-batch", "-"], input: batch + "\n")
        return namespace
    }

    @Test("a dump spanning many datagrams returns every link the kernel has")
    func bigDump() throws {
        try withLab { lab in
            let namespace = try Self.manyLinks(lab)
            let expected = try NamespaceProbe.oracleLinkNames(namespace)
            #expect(expected.count == 81)
            let connection = try NamespaceHandle(name: namespace.name).connection(.route)
            let names = try NamespaceProbe.linkNames(connection)
            #expect(names.count == 81)
            #expect(Set(names) == expected)
        }
    }

    @Test("after a body abandons a dump midway, the same connection can dump again")
    func abandonedDumpLeavesSocketUsable() throws {
        try withLab { lab in
            let namespace = try Self.manyLinks(lab)
            let expected = try NamespaceProbe.oracleLinkNames(namespace)
            let connection = try NamespaceHandle(name: namespace.name).connection(.route)
            let request = NetlinkRequest(type: 18, flags: .dump, familyHeader: [UInt8](repeating: 0, count: 16))
            var delivered = 0
            #expect(throws: Stop.self) {
                try connection.dump(request, operation: .dump("links")) { _ in
                    delivered += 1
                    if delivered == 3 { throw Stop() }
                }
            }
            #expect(delivered == 3)
            #expect(Set(try NamespaceProbe.linkNames(connection)) == expected)
            #expect(Set(try NamespaceProbe.linkNames(connection)) == expected)
        }
    }
}
