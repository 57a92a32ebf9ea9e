import Foundation

/// A throwaway set of network namespaces for one test, removed again by `teardown()` (which `withLab`
/// always calls, also when the test throws).
///
/// Names are `nfs-test-<pid>-<counter>-<short>`, unique per process and test, so parallel or leftover
/// labs never collide, and `.ci/run` can sweep `nfs-test-*` after a crash. Namespaces are never linked to
/// the root namespace, and no route leads out of the machine.
public final class Lab: @unchecked Sendable {
    public let prefix: String
    private var namespaces: [LabNamespace] = []
    private var processes: [Process] = []
    private let lock = NSLock()
    nonisolated(unsafe) private static var counter = 0
    private static let counterLock = NSLock()

    public init() {
        Lab.counterLock.lock()
        Lab.counter += 1
        let number = Lab.counter
        Lab.counterLock.unlock()
        prefix = "nfs-test-\(getpid())-\(number)"
    }

    /// Creates a namespace with loopback up.
    @discardableResult
    public func namespace(_ short: String) throws -> LabNamespace {
        let namespace = LabNamespace(name: "\(prefix)-\(short)")
        try Shell.run(["ip", "netns", "add", namespace.name])
        lock.withLock { namespaces.append(namespace) }
        try namespace.exec(["ip", "link", "set", "lo", "up"])
        return namespace
    }

    /// Connects two namespaces with a veth pair and gives each end its addresses (`10.0.0.1/24`, IPv6 too).
    public func veth(_ a: LabNamespace, _ nameA: String, addresses addressesA: [String] = [],
                     _ b: LabNamespace, _ nameB: String, addresses addressesB: [String] = []) throws {
        try a.exec(["ip", "link", "add", nameA, "type", "veth", "peer", "name", nameB, "netns", b.name])
        for address in addressesA { try a.exec(["ip", "addr", "add", address, "dev", nameA] + Lab.nodad(address)) }
        for address in addressesB { try b.exec(["ip", "addr", "add", address, "dev", nameB] + Lab.nodad(address)) }
        try a.exec(["ip", "link", "set", nameA, "up"])
        try b.exec(["ip", "link", "set", nameB, "up"])
    }

    /// Creates a Linux bridge in a namespace with the given addresses.
    public func bridge(_ namespace: LabNamespace, _ name: String, addresses: [String] = []) throws {
        try namespace.exec(["ip", "link", "add", name, "type", "bridge"])
        for address in addresses { try namespace.exec(["ip", "addr", "add", address, "dev", name] + Lab.nodad(address)) }
        try namespace.exec(["ip", "link", "set", name, "up"])
    }

    /// Enslaves an interface to a bridge in the same namespace.
    public func attach(_ namespace: LabNamespace, _ interface: String, to bridge: String) throws {
        try namespace.exec(["ip", "link", "set", interface, "master", bridge])
    }

    /// Starts a long-running process inside a namespace; it is killed at teardown.
    @discardableResult
    public func spawn(_ namespace: LabNamespace, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ip", "netns", "exec", namespace.name] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        lock.withLock { processes.append(process) }
        return process
    }

    /// Starts a process in a new, unnamed network namespace of its own (`unshare --net`); it is killed at
    /// teardown, which ends the namespace.
    @discardableResult
    public func spawnUnshared(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["unshare", "--net", "--"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        lock.withLock { processes.append(process) }
        return process
    }

    /// Kills every process and deletes every namespace this lab made. Safe to call more than once.
    public func teardown() {
        let (toKill, toDelete) = lock.withLock { () -> ([Process], [LabNamespace]) in
            defer { processes = []; namespaces = [] }
            return (processes, namespaces)
        }
        // SIGKILL, not terminate(): children inherit the spawning thread's signal mask, and the test
        // runner's threads block SIGTERM, so a terminated `sleep 30` would hold teardown for 30 s.
        for process in toKill where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        for namespace in toDelete.reversed() {
            _ = try? Shell.run(["ip", "netns", "del", namespace.name], allowFailure: true)
        }
    }

    deinit { teardown() }

    static func nodad(_ address: String) -> [String] { address.contains(":") ? ["nodad"] : [] }
}

/// Runs `body` with a fresh lab and tears it down afterwards, whatever happens.
public func withLab<T>(_ body: (Lab) async throws -> T) async throws -> T {
    let lab = Lab()
    defer { lab.teardown() }
    return try await body(lab)
}

/// Runs `body` with a fresh lab and tears it down afterwards, whatever happens.
public func withLab<T>(_ body: (Lab) throws -> T) throws -> T {
    let lab = Lab()
    defer { lab.teardown() }
    return try body(lab)
}
