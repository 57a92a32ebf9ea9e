import Foundation
import NetCore
import NetNS
import Testing
import TestLab

@Suite("NamespaceHandle: typed errors and identity", .serialized,
       .enabled(if: Shell.isRoot, "needs root: creates network namespaces and opens other processes' namespaces"))
struct NamespaceHandleTests {
    /// The `NamespaceError` an open throws; any other error type is a test failure.
    static func openError(_ open: () throws -> Void) -> NamespaceError? {
        do {
            try open()
            return nil
        } catch let error as NamespaceError {
            return error
        } catch {
            Issue.record("expected NamespaceError, got \(type(of: error)): \(error)")
            return nil
        }
    }

    @Test("a missing name is .notFound and says so")
    func missingName() throws {
        let name = "nfs-test-\(getpid())-missing"
        for error in [Self.openError { _ = try NamespaceHandle(name: name) },
                      Self.openError { _ = try NamespaceHandle(spec: name) }] {
            let error = try #require(error)
            #expect(error.kind == .notFound)
            #expect(error.target == name)
            #expect(error.underlying?.errno == .noSuchFileOrDirectory)
            #expect(error.description.contains(name) && error.description.contains("does not exist"))
        }
        for bad in ["", ".", "..", "a/b"] {
            #expect(Self.openError { _ = try NamespaceHandle(name: bad) }?.kind == .notFound)
        }
    }

    @Test("the pid of a process that exited is .processGone")
    func exitedProcess() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["true"]
        try process.run()
        process.waitUntilExit()
        let pid = process.processIdentifier
        #expect(kill(pid, 0) != 0)   // reaped: the pid names nothing now
        for error in [Self.openError { _ = try NamespaceHandle(pid: pid) },
                      Self.openError { _ = try NamespaceHandle(spec: "\(pid)") }] {
            let error = try #require(error)
            #expect(error.kind == .processGone)
            #expect(error.target == "\(pid)")
            #expect(error.description.contains("gone"))
        }
    }

    @Test("a regular file, a directory and another kind of namespace are .notANetworkNamespace")
    func notANetworkNamespace() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("nfs-test-\(getpid())-notns").path
        try Data("not a namespace\n".utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        for path in [file, "/tmp", "/proc/self/ns/mnt", "/proc/self/ns/uts"] {
            let error = try #require(Self.openError { _ = try NamespaceHandle(path: path) }, "\(path)")
            #expect(error.kind == .notANetworkNamespace, "\(path)")
            #expect(error.target == path)
            #expect(error.description.contains("is not a network namespace"))
        }
        #expect(Self.openError { _ = try NamespaceHandle(path: "/proc/self/ns/net") } == nil)
    }

    @Test("identity is dev+inode: /run/netns/NAME equals /proc/PID/ns/net of a process inside it")
    func identity() async throws {
        try await withLab { lab in
            let a = try lab.namespace("ida")
            let b = try lab.namespace("idb")
            let named = try NamespaceHandle(name: a.name)
            #expect(named.id.label == a.name)
            #expect(named.id.inode == NamespaceProbe.inode(a.path))
            let sleeper = try lab.spawn(a, ["sleep", "600"])
            let pid = sleeper.processIdentifier
            // `ip netns exec` enters the namespace and then execs sleep in the same pid; wait for the switch.
            var viaPid: NamespaceID?
            for _ in 0..<200 {
                viaPid = try? NamespaceHandle(pid: pid).id
                if viaPid == named.id { break }
                try await Task.sleep(nanoseconds: 10_000_000)
            }
            let id = try #require(viaPid)
            #expect(id == named.id)
            #expect(id.label == "pid \(pid)")
            #expect(id.hashValue == named.id.hashValue)
            #expect(try NamespaceHandle(spec: "/proc/\(pid)/ns/net").id == named.id)
            // The kernel's tool agrees on which namespace that process is in.
            #expect(try Shell.run(["ip", "netns", "identify", "\(pid)"]).split(separator: "\n").contains { $0 == a.name })
            #expect(try NamespaceHandle(name: b.name).id != named.id)
            #expect(try NamespaceHandle.current().id != named.id)
            #expect(try NamespaceHandle.current().id == NamespaceHandle(pid: getpid()).id)
            #expect(NamespaceHandle.identity(ofPath: a.path, label: "x") == named.id)
        }
    }
}
