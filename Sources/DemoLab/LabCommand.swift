import Foundation

/// Runs the tools that BUILD the lab (`ip`, `sysctl`, `iptables-nft-restore`, `nft`). Their output is only
/// used in error messages, never parsed as state.
enum LabCommand {
    /// Runs `arguments` (looked up on PATH), feeding `input` to stdin; throws on a non-zero exit.
    static func run(_ arguments: [String], input: String? = nil) throws(DemoLabError) {
        let step = arguments.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let output = Pipe(), stdin = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = stdin
        do { try process.run() } catch {
            throw DemoLabError(kind: .launchFailed(reason: "\(error)"), step: step)
        }
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try? stdin.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw DemoLabError(kind: .commandFailed(status: process.terminationStatus,
                                                    output: String(decoding: data, as: UTF8.self)), step: step)
        }
    }

    /// Runs a command inside a named namespace.
    static func run(in namespace: String, _ arguments: [String], input: String? = nil) throws(DemoLabError) {
        try run(["ip", "netns", "exec", namespace] + arguments, input: input)
    }
}
