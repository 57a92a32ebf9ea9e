import Foundation
import NFScope
import Testing
import TestLab

@Suite("netns list", .serialized, .enabled(if: Shell.isRoot, "needs root: creates network namespaces"))
struct NetnsListTests {
    @Test("finds namespaces made with ip netns add and by unshare, with their processes")
    func findsNamedAndUnsharedNamespaces() throws {
        try withLab { lab in
            let named = try lab.namespace("named")
            let sleeper = try lab.spawnUnshared(["sleep", "600"])
            // unshare execs sleep once the namespace exists; wait for that.
            let unsharedInode = try waitForNamespaceChange(pid: sleeper.processIdentifier)
            let reports = try NamespaceReporter().reports()

            let namedInode = try inode(ofPath: named.path)
            let namedReport = try #require(reports.first { $0.inode == namedInode })
            #expect(namedReport.names == [named.name])
            #expect(namedReport.label == named.name)

            let unsharedReport = try #require(reports.first { $0.inode == unsharedInode })
            #expect(unsharedReport.names.isEmpty)
            #expect(unsharedReport.processes.contains { $0.pid == sleeper.processIdentifier && $0.command == "sleep" })

            // De-duplicated: each inode once.
            #expect(Set(reports.map(\.inode)).count == reports.count)
            #expect(reports.first?.isCurrent == true)
        }
    }

    @Test("shows each veth's peer interface and the namespace it lives in")
    func showsVethPeers() throws {
        try withLab { lab in
            let a = try lab.namespace("a")
            let b = try lab.namespace("b")
            try lab.veth(a, "to-b", addresses: ["10.98.0.1/24", "fd98::1/64"], b, "to-a", addresses: ["10.98.0.2/24"])
            let reports = try NamespaceReporter().reports()
            let reportA = try #require(reports.first { $0.names.contains(a.name) })
            let reportB = try #require(reports.first { $0.names.contains(b.name) })

            let vethA = try #require(reportA.interfaces.first { $0.name == "to-b" })
            #expect(vethA.kind == "veth")
            #expect(vethA.isUp)
            let global = vethA.addresses.filter { !$0.description.hasPrefix("fe80:") }
            #expect(Set(global.map(\.description)) == ["10.98.0.1/24", "fd98::1/64"])
            #expect(vethA.peer?.name == "to-a")
            #expect(vethA.peer?.namespace == b.name)
            #expect(vethA.peer?.namespaceInode == reportB.inode)

            let vethB = try #require(reportB.interfaces.first { $0.name == "to-a" })
            #expect(vethB.peer?.name == "to-b")
            #expect(vethB.peer?.namespace == a.name)
            #expect(reportB.interfaces.contains { $0.name == "lo" && $0.kind == "loopback" })
        }
    }

    @Test("a veth pair inside one namespace points at its sibling, without a namespace")
    func vethPairInOneNamespace() throws {
        try withLab { lab in
            let a = try lab.namespace("solo")
            try a.exec(["ip", "link", "add", "left", "type", "veth", "peer", "name", "right"])
            let report = try #require(try NamespaceReporter().reports().first { $0.names.contains(a.name) })
            let left = try #require(report.interfaces.first { $0.name == "left" })
            #expect(left.peer?.name == "right")
            #expect(left.peer?.namespace == nil)
        }
    }

    /// The namespace inode as coreutils sees it (an oracle independent of nfscope's own stat).
    private func inode(ofPath path: String) throws -> UInt64 {
        let text = try Shell.run(["stat", "-L", "-c", "%i", path]).trimmingCharacters(in: .whitespacesAndNewlines)
        return try #require(UInt64(text))
    }

    private func waitForNamespaceChange(pid: Int32) throws -> UInt64 {
        let host = try inode(ofPath: "/proc/self/ns/net")
        for _ in 0..<200 {
            if let inode = try? inode(ofPath: "/proc/\(pid)/ns/net"), inode != host { return inode }
            usleep(10_000)
        }
        throw Shell.Failure(command: ["unshare"], status: -1, output: "process \(pid) never left the host namespace")
    }
}
