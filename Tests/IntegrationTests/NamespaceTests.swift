import Foundation
import NetCore
import Netlink
import NetNS
import Testing
import TestLab

@Suite("network namespaces: threads and sockets", .serialized,
       .enabled(if: Shell.isRoot, "needs root: creates and enters network namespaces"))
struct NamespaceTests {
    struct Target: Sendable {
        var name: String
        var inode: UInt64
    }

    /// The sync form, kept in a non-async function so overload resolution cannot pick the async one.
    static func enterBlocking(_ target: Target) throws -> UInt64? {
        let handle = try NamespaceHandle(name: target.name)
        return try NetNS.run(in: handle) {
            usleep(2000)   // keep namespace threads alive long enough to overlap
            return NamespaceProbe.threadInode()
        }
    }

    static func enterAsync(_ target: Target) async throws -> UInt64? {
        let handle = try NamespaceHandle(name: target.name)
        return try await NetNS.run(in: handle) {
            usleep(2000)
            return NamespaceProbe.threadInode()
        }
    }

    /// One task's visit: the inode seen inside, and the calling thread's inode before and after.
    static func visit(_ target: Target, index: Int) async throws -> (inside: UInt64?, before: UInt64?, after: UInt64?) {
        let before = NamespaceProbe.threadInode()
        let inside: UInt64?
        switch index % 4 {
        case 0: inside = try enterBlocking(target)
        case 1: inside = try await enterAsync(target)
        case 2: inside = try await Task.detached { try enterBlocking(target) }.value
        default: inside = try await Task.detached { try await enterAsync(target) }.value
        }
        return (inside, before, NamespaceProbe.threadInode())
    }

    @Test("64 concurrent tasks over 4 namespaces each see their target; no thread is left in a foreign namespace")
    func concurrentEntries() async throws {
        try await withLab { lab in
            let targets = try (0..<4).map { index -> Target in
                let namespace = try lab.namespace("c\(index)")
                return Target(name: namespace.name, inode: try #require(NamespaceProbe.inode(namespace.path)))
            }
            #expect(Set(targets.map(\.inode)).count == 4)
            let home = try #require(NamespaceProbe.mainThreadInode())
            #expect(!targets.map(\.inode).contains(home))
            #expect(NamespaceProbe.threadInode() == home)

            try await withThrowingTaskGroup(of: (Int, UInt64?, UInt64?, UInt64?).self) { group in
                for index in 0..<64 {
                    let target = targets[index % 4]
                    group.addTask {
                        let seen = try await Self.visit(target, index: index / 4)
                        return (index, seen.inside, seen.before, seen.after)
                    }
                }
                var visits = 0
                for try await (index, inside, before, after) in group {
                    visits += 1
                    #expect(inside == targets[index % 4].inode, "task \(index) ran in the wrong namespace")
                    #expect(before == home && after == home, "task \(index) came back in another namespace")
                }
                #expect(visits == 64)
            }
            #expect(NamespaceProbe.mainThreadInode() == home)
            #expect(NamespaceProbe.threadInode() == home)
            // Every thread the process still has (pool threads, Dispatch, the test runner) is at home.
            let threads = NamespaceProbe.allThreadInodes()
            #expect(!threads.isEmpty)
            for (thread, inode) in threads { #expect(inode == home, "thread \(thread) is in namespace \(inode)") }
        }
    }

    @Test("async NetNS.run hands its result to the caller alone: nothing is kept alive after it returns")
    func asyncRunReleasesResult() async throws {
        final class Probe: Sendable {
            let counter: DeinitCounter
            init(_ counter: DeinitCounter) { self.counter = counter }
            deinit { counter.increment() }
        }
        try await withLab { lab in
            let namespace = try lab.namespace("rel")
            let counter = DeinitCounter()
            for _ in 0..<20 {
                let handle = try NamespaceHandle(name: namespace.name)
                let probe = try await NetNS.run(in: handle) { Probe(counter) }
                _ = probe
            }
            // The namespace threads may still be unwinding for a moment after the continuation resumed.
            for _ in 0..<100 where counter.value < 20 { try await Task.sleep(nanoseconds: 10_000_000) }
            #expect(counter.value == 20)
        }
    }

    @Test("a socket opened in namespace A keeps reading A after its thread ended and after `ip netns del A`")
    func socketOutlivesThreadAndName() async throws {
        try await withLab { lab in
            let a = try lab.namespace("sa")
            let b = try lab.namespace("sb")
            try a.exec(["ip", "link", "add", "nfsa-x", "type", "veth", "peer", "name", "nfsa-y"])
            try b.exec(["ip", "link", "add", "nfsb-x", "type", "veth", "peer", "name", "nfsb-y"])
            let expectedA = try NamespaceProbe.oracleLinkNames(a)
            let expectedB = try NamespaceProbe.oracleLinkNames(b)
            #expect(expectedA == ["lo", "nfsa-x", "nfsa-y"])
            #expect(expectedB == ["lo", "nfsb-x", "nfsb-y"])

            let inodeA = try #require(NamespaceProbe.inode(a.path))
            let connectionA = try NamespaceHandle(name: a.name).connection(.route)
            let connectionB = try NamespaceHandle(name: b.name).connection(.route)
            #expect(connectionA.namespace?.inode == inodeA)
            // The namespace threads that opened the sockets are gone; this thread never left home.
            #expect(NamespaceProbe.threadInode() == NamespaceProbe.mainThreadInode())
            #expect(Set(try NamespaceProbe.linkNames(connectionA)) == expectedA)
            #expect(Set(try NamespaceProbe.linkNames(connectionB)) == expectedB)
            let host = Set(try NamespaceProbe.linkNames(NetlinkConnection(protocol: .route)))
            #expect(host.isDisjoint(with: ["nfsa-x", "nfsb-x"]))

            // From another thread, too.
            let boxA = ConnectionBox(connectionA)
            let fromDetached = try await Task.detached { try NamespaceProbe.linkNames(boxA.connection) }.value
            #expect(Set(fromDetached) == expectedA)

            try Shell.run(["ip", "netns", "del", a.name])
            #expect(!FileManager.default.fileExists(atPath: a.path))
            #expect(throws: NamespaceError.self) { _ = try NamespaceHandle(name: a.name) }
            // The open socket holds the namespace: it still answers, with A's links, repeatedly.
            for _ in 0..<3 { #expect(Set(try NamespaceProbe.linkNames(connectionA)) == expectedA) }
            #expect(Set(try NamespaceProbe.linkNames(connectionB)) == expectedB)
        }
    }

    @Test("readFile reads /proc/thread-self/net inside the namespace, not the caller's")
    func readFileInside() throws {
        try withLab { lab in
            let a = try lab.namespace("rf")
            try a.exec(["ip", "link", "add", "nfsrf-x", "type", "veth", "peer", "name", "nfsrf-y"])
            let handle = try NamespaceHandle(name: a.name)
            let inside = String(decoding: try handle.readFile("/proc/thread-self/net/dev"), as: UTF8.self)
            #expect(inside.contains("nfsrf-x:") && inside.contains("nfsrf-y:"))
            let outside = (try? String(contentsOfFile: "/proc/thread-self/net/dev", encoding: .utf8)) ?? ""
            #expect(!outside.contains("nfsrf-x:"))
        }
    }
}

/// Counts deinitialisations across threads.
final class DeinitCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
