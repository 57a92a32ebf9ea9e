import ArgumentParser
import Foundation
import NFScope
#if canImport(Glibc)
import Glibc
#endif

/// The documented exit codes and the one-line error messages behind them.
enum ExitStatus {
    static let success: Int32 = 0
    static let findings: Int32 = 1
    static let usage: Int32 = 2
    static let environment: Int32 = 3
    static let failure: Int32 = 4

    /// Prints what went wrong and returns the exit code for it.
    static func report(_ error: Error) -> Int32 {
        if let failure = error as? CommandFailure {
            printError("nfscope: \(failure.message)")
            return failure.exitCode
        }
        if let problem = ProblemReport(error) {
            printError("nfscope: \(problem.message)")
            return problem.category == .environment ? environment : failure
        }
        // Help, --version and usage errors come from ArgumentParser.
        let code = Nfscope.exitCode(for: error)
        let message = Nfscope.fullMessage(for: error)
        if code == .success {
            if !message.isEmpty { print(message) }
            return success
        }
        // Usage errors: ArgumentParser's message without the usage block, so stderr stays one line.
        let short = Nfscope.message(for: error).split(separator: "\n").first.map(String.init) ?? message
        printError("nfscope: \(short) (see 'nfscope --help')")
        return code == .validationFailure ? usage : code.rawValue
    }

    static func printError(_ text: String) {
        var line = text
        if !line.hasSuffix("\n") { line += "\n" }
        FileHandle.standardError.write(Data(line.utf8))
    }
}

/// A failure a command raises itself, with its exit code.
struct CommandFailure: Error {
    var message: String
    var exitCode: Int32 = ExitStatus.failure
}
