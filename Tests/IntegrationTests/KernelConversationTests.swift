import Foundation
import NetCore
import Netlink
import NetNS
import Testing
import TestLab

@Suite("netlink conversations against the kernel", .serialized,
       .enabled(if: Shell.isRoot, "needs root: creates network namespaces"))
struct KernelConversationTests {
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

    /// `RTM_GETLINK` for one interface by name; `flags` lands in `ifinfomsg.ifi_flags`.
    static func getLink(_ name: String, headerFlags: UInt8 = 0) -> NetlinkRequest {
        var header = [UInt8](repeating: 0, count: 16)
        header[8] = headerFlags
        var request = NetlinkRequest(type: 18, flags: [], familyHeader: header)
        request.append(3 /* IFLA_IFNAME */, string: name)
        return request
    }

    @Test("request() gets the kernel's reply before its ack, and a real negative ack with extended-ack text")
    func requestAndExtendedAck() throws {
        try withLab { lab in
            let namespace = try lab.namespace("req")
            let connection = try NamespaceHandle(name: namespace.name).connection(.route)
            let replies = try connection.request(Self.getLink("lo"), operation: .get("link lo"))
            #expect(replies.count == 1)
            let reply = try #require(replies.first)
            #expect(reply.header.type == 16)
            #expect(try reply.attributes(afterFamilyHeader: 16, path: "link").table()[3]?.string == "lo")

            let missing = try #require(throws: NetlinkError.self) {
                try connection.request(Self.getLink("nfs-nope"), operation: .get("link nfs-nope"))
            }
            #expect(missing.errno == .operationNotSupportedByDevice)
            #expect(missing.namespace?.label == namespace.name)

            // Strict checking (NETLINK_GET_STRICT_CHK) refuses junk in the header and says why (NETLINK_EXT_ACK).
            let strict = try #require(throws: NetlinkError.self) {
                try connection.request(Self.getLink("lo", headerFlags: 1), operation: .get("link lo"))
            }
            #expect(strict.errno == .invalidArgument)
            #expect(strict.kernelMessage?.contains("Invalid values in header") == true, "\(strict)")
            // The connection is still in step: the next request gets its own answer.
            #expect(try connection.request(Self.getLink("lo"), operation: .get("link lo")).count == 1)
        }
    }
}
