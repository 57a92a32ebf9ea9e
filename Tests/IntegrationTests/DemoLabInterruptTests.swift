import DemoLab
import Foundation
import Testing
import TestLab

/// `nfscope lab up --hold` in a child process, interrupted: nothing named with its prefix may remain.
@Suite("Demo lab: interrupted with SIGINT/SIGTERM", .serialized,
       .enabled(if: Shell.isRoot, "needs root: creates network namespaces"))
struct DemoLabInterruptTests {
    /// Starts the CLI building a lab that holds until signalled.
    func startLab(prefix: String, faults: [String] = []) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: NfscopeCLI.executablePath)
        process.arguments = ["lab", "up", "--prefix", prefix, "--hold"] + faults.flatMap { ["--fault", $0] }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        return (process, output)
    }

    func waitUntil(_ deadline: Double = 20, _ condition: () -> Bool) -> Bool {
        let end = Date().addingTimeInterval(deadline)
        while Date() < end {
            if condition() { return true }
            usleep(20_000)
        }
        return false
    }

    func expectClean(_ prefix: String, _ process: Process) {
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        // Listeners watch their parent and the sweep kills them; give a killed process a moment to be reaped.
        let clean = waitUntil(5) {
            let left = DemoLab.leftovers(prefix: prefix)
            return left.namespaces.isEmpty && left.processes.isEmpty
        }
        #expect(clean, "left \(DemoLab.leftovers(prefix: prefix))")
        DemoLab.sweep(prefix: prefix)
    }

    @Test("SIGINT after the build tears everything down and exits 130", arguments: [SIGINT, SIGTERM])
    func afterBuild(signal: Int32) throws {
        let prefix = demoPrefix("sig\(signal)")
        let (process, output) = try startLab(prefix: prefix, faults: ["forward-reject"])
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) }; DemoLab.sweep(prefix: prefix) }
        let ready = output.fileHandleForReading.availableData
        #expect(String(decoding: ready, as: UTF8.self).hasPrefix("lab ready: prefix \(prefix)"))
        #expect(DemoLab.leftovers(prefix: prefix).namespaces.count == 1 + DemoTopology.pods.count)
        // It is really up: the fault is in force and the controls work.
        #expect(try LabNamespace(name: "\(prefix)-client").connectTCP(to: webClusterIP, port: 9090) == .ok)
        kill(process.processIdentifier, signal)
        expectClean(prefix, process)
    }

    @Test("SIGINT in the middle of the build tears down what was built so far")
    func midBuild() throws {
        let prefix = demoPrefix("mid")
        let (process, _) = try startLab(prefix: prefix)
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) }; DemoLab.sweep(prefix: prefix) }
        // Wait for the second namespace (the build is under way, not finished), then interrupt.
        #expect(waitUntil { DemoLab.leftovers(prefix: prefix).namespaces.count >= 2 })
        kill(process.processIdentifier, SIGINT)
        expectClean(prefix, process)
    }

    @Test("Ctrl-C to the whole process group mid-build (the build commands die too) still cleans up and exits 130")
    func processGroupMidBuild() throws {
        let prefix = demoPrefix("pgrp")
        let (process, _) = try startLab(prefix: prefix)
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) }; DemoLab.sweep(prefix: prefix) }
        // Foundation starts the child as a process-group leader, so its group holds it and its build commands.
        try #require(getpgid(process.processIdentifier) == process.processIdentifier)
        #expect(waitUntil { DemoLab.leftovers(prefix: prefix).namespaces.count >= 3 })
        kill(-process.processIdentifier, SIGINT)
        expectClean(prefix, process)
    }

    @Test("lab up without --hold leaves a working lab behind (nftables mode, a fault); lab down removes all of it")
    func keepAndDown() throws {
        let prefix = demoPrefix("keep")
        defer { DemoLab.sweep(prefix: prefix) }
        let up = try NfscopeCLI.run(["lab", "up", "--prefix", prefix, "--proxy-mode", "nftables", "--fault", "sidecar-redirect"])
        #expect(up.status == 0, "\(up.error)")
        #expect(up.output.contains("proxy mode nftables") && up.output.contains("faults sidecar-redirect"))
        let client = LabNamespace(name: "\(prefix)-client")
        // The listeners outlived the command that started them.
        #expect(try client.connectTCP(to: webClusterIP, port: 9090) == .ok)
        #expect(try client.connectTCP(to: webClusterIP, port: 80) == .refused)
        #expect(DemoLab.leftovers(prefix: prefix).processes.count == 2)
        let down = try NfscopeCLI.run(["lab", "down", "--prefix", prefix])
        #expect(down.status == 0, "\(down.error)")
        let left = DemoLab.leftovers(prefix: prefix)
        #expect(left.namespaces.isEmpty && left.processes.isEmpty, "left \(left)")
    }

    @Test("lab up rejects an unknown fault or mode with a usage error and builds nothing")
    func usageErrors() throws {
        let prefix = demoPrefix("usage")
        let badFault = try NfscopeCLI.run(["lab", "up", "--prefix", prefix, "--fault", "no-such-fault"])
        #expect(badFault.status == 2 && badFault.error.contains("unknown fault no-such-fault"))
        let badMode = try NfscopeCLI.run(["lab", "up", "--prefix", prefix, "--proxy-mode", "ipvs"])
        #expect(badMode.status == 2 && badMode.error.contains("unknown proxy mode ipvs"))
        #expect(DemoLab.leftovers(prefix: prefix).namespaces.isEmpty)
    }
}
