import Foundation
import NetCore
import NetNS
import Testing
import TestLab

/// What an unprivileged user sees: child processes run as `nobody` through `setpriv`, against namespaces a
/// root test made. The parent needs root (to make the lab and to switch user); the children have nothing.
@Suite("non-root users get a typed permission error", .serialized,
       .enabled(if: Shell.isRoot, "needs root: creates namespaces and runs children as nobody"))
struct NonRootTests {
    static let nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]

    /// This test bundle's executable (the runner re-executes it to run the probe as nobody).
    static var testBundle: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// A copy of `path` that `nobody` can execute: the path itself when every directory is traversable,
    /// otherwise a 0755 copy in a fresh 0755 temp directory (removed by the caller).
    static func executableByNobody(_ path: String) throws -> (path: String, cleanup: () -> Void) {
        if try Shell.runCapturing(nobody + ["test", "-x", path]).status == 0 { return (path, {}) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nfs-test-\(getpid())-bin")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        let copy = directory.appendingPathComponent(URL(fileURLWithPath: path).lastPathComponent).path
        try? FileManager.default.removeItem(atPath: copy)
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: copy)
        return (copy, { try? FileManager.default.removeItem(at: directory) })
    }

    /// The built `nfscope`: next to the test bundle, else where `swift build --show-bin-path` says.
    static func nfscopeBinary() throws -> String {
        let sibling = URL(fileURLWithPath: testBundle).deletingLastPathComponent().appendingPathComponent("nfscope").path
        if FileManager.default.isExecutableFile(atPath: sibling) { return sibling }
        let binPath = try Shell.run(["swift", "build", "--show-bin-path"]).trimmingCharacters(in: .whitespacesAndNewlines)
        return binPath + "/nfscope"
    }

    @Test("as nobody, opening or entering a namespace by name, pid or socket is .permissionDenied")
    func libraryProbe() async throws {
        try await withLab { lab in
            let namespace = try lab.namespace("perm")
            let sleeper = try lab.spawn(namespace, ["sleep", "600"])  // killed at teardown; long enough for a slow CI
            // Wait until the sleeper is inside, so the pid's namespace is the lab's.
            let target = try NamespaceHandle(name: namespace.name).id
            for _ in 0..<200 where (try? NamespaceHandle(pid: sleeper.processIdentifier).id) != target {
                try await Task.sleep(nanoseconds: 10_000_000)
            }
            let bundle = try Self.executableByNobody(Self.testBundle)
            defer { bundle.cleanup() }
            let result = try Shell.runCapturing(
                Self.nobody + ["env", "NFSCOPE_PROBE_NAMESPACE=\(namespace.name)",
                               "NFSCOPE_PROBE_PID=\(sleeper.processIdentifier)",
                               bundle.path, "--testing-library", "swift-testing", "--filter", "PermissionProbe"])
            let lines = result.output.split(separator: "\n").filter { $0.hasPrefix("probe ") }
            #expect(result.status == 0, "probe as nobody failed:\n\(result.output)\(result.error)")
            #expect(lines.count == 3, "\(result.output)")
            for line in lines { #expect(line.contains("permissionDenied") && line.contains("needs root"), "\(line)") }
        }
    }

    @Test("as nobody, `nfscope netns list` exits 3 with one line on stderr that says root is needed")
    func cliAsNobody() throws {
        try withLab { lab in
            _ = try lab.namespace("cli")
            let binary = try Self.executableByNobody(try Self.nfscopeBinary())
            defer { binary.cleanup() }
            #expect(try Shell.runCapturing(Self.nobody + ["test", "-r", binary.path]).status == 0)
            let result = try Shell.runCapturing(Self.nobody + [binary.path, "netns", "list"])
            let lines = result.error.split(separator: "\n", omittingEmptySubsequences: true)
            #expect(result.status == 3, "exit \(result.status), stderr: \(result.error)")
            #expect(lines.count == 1, "stderr: \(result.error)")
            let line = String(lines.first ?? "")
            #expect(line.hasPrefix("nfscope: "))
            #expect(line.contains("root"), "\(line)")
            #expect(line.contains("network namespace"), "\(line)")
        }
    }
}

/// Runs only inside the child that `NonRootTests.libraryProbe` starts as nobody: it tries every way of
/// reaching the lab namespace and prints the error kind each one raised, one `probe` line each.
@Suite("PermissionProbe", .enabled(if: ProcessInfo.processInfo.environment["NFSCOPE_PROBE_NAMESPACE"] != nil,
                                   "runs only as the child of NonRootTests.libraryProbe"))
struct PermissionProbe {
    static func describe(_ attempt: () throws -> Void) -> String {
        do {
            try attempt()
            return "succeeded"
        } catch let error as NamespaceError {
            return "\(error.kind): \(error)"
        } catch {
            return "untyped \(type(of: error)): \(error)"
        }
    }

    @Test("probe")
    func probe() throws {
        let environment = ProcessInfo.processInfo.environment
        let name = try #require(environment["NFSCOPE_PROBE_NAMESPACE"])
        let pid = try #require(environment["NFSCOPE_PROBE_PID"].flatMap { Int32($0) })
        #expect(getuid() == 65534)
        let results = [
            ("enter by name", Self.describe { _ = try NetNS.run(in: try NamespaceHandle(name: name)) { 1 } }),
            ("open by pid", Self.describe { _ = try NamespaceHandle(pid: pid) }),
            ("socket by name", Self.describe { _ = try NamespaceHandle(name: name).connection(.route) }),
        ]
        for (what, outcome) in results {
            print("probe \(what): \(outcome)")
            #expect(outcome.hasPrefix("permissionDenied"), "\(what): \(outcome)")
        }
    }
}
