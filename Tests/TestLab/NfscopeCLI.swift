import Foundation

/// Runs the built `nfscope` executable, as CLI tests need to see exit codes and stderr exactly as a user would.
public enum NfscopeCLI {
    /// The executable next to the test bundle (`swift build` puts both in the same directory).
    public static var executablePath: String {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundleDirectory, bundleDirectory.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("nfscope").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../.build/debug/nfscope").standardized.path
    }

    /// Runs `nfscope ARGUMENTS` and returns its exit status, stdout and stderr.
    public static func run(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        try Shell.runCapturing([executablePath] + arguments)
    }
}
