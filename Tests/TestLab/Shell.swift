import Foundation

/// Runs a command and returns its output; tests use it to build labs and to ask the oracle tools.
public enum Shell {
    public struct Failure: Error, CustomStringConvertible {
        public var command: [String]
        public var status: Int32
        public var output: String
        public var description: String { "`\(command.joined(separator: " "))` exited \(status): \(output)" }

        public init(command: [String], status: Int32, output: String) {
            self.command = command
            self.status = status
            self.output = output
        }
    }

    /// Runs `arguments` (the first is looked up on PATH), feeding `input` to stdin. Throws on a non-zero exit
    /// unless `allowFailure`.
    @discardableResult
    public static func run(_ arguments: [String], input: String? = nil, allowFailure: Bool = false) throws -> String {
        let result = try runCapturing(arguments, input: input)
        if result.status != 0 && !allowFailure {
            throw Failure(command: arguments, status: result.status, output: result.output + result.error)
        }
        return result.output
    }

    /// Runs a command and returns its exit status, stdout and stderr.
    public static func runCapturing(_ arguments: [String], input: String? = nil,
                                    environment: [String: String]? = nil) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let environment { process.environment = environment }
        let stdout = Pipe(), stderr = Pipe(), stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try? stdin.fileHandleForWriting.close()
        // Read both pipes before waiting, so a chatty command cannot block on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var errorData = Data()
        group.enter()
        DispatchQueue.global().async {
            errorData = stderr.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outputData = stdout.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outputData, as: UTF8.self),
                String(decoding: errorData, as: UTF8.self))
    }

    /// Whether the tests run as root (namespace and netfilter tests need it).
    public static var isRoot: Bool { getuid() == 0 }
}
