/// A step of building or changing the lab that failed.
public struct DemoLabError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A build command exited non-zero; `output` holds its stderr and stdout.
        case commandFailed(status: Int32, output: String)
        /// The command could not be started (not installed, not executable).
        case launchFailed(reason: String)
        /// A listener did not report that it was ready.
        case listenerNotReady(output: String)
        /// The lab was interrupted (SIGINT/SIGTERM) and is being torn down.
        case interrupted
        /// The lab needs root to create namespaces.
        case notRoot
    }

    public var kind: Kind
    /// The command or step, as a shell would show it.
    public var step: String

    public init(kind: Kind, step: String) {
        self.kind = kind
        self.step = step
    }

    public var description: String {
        switch kind {
        case .commandFailed(let status, let output):
            return "lab step `\(step)` exited \(status): \(output.trimmingTrailingNewlines)"
        case .launchFailed(let reason): return "lab step `\(step)` could not start: \(reason)"
        case .listenerNotReady(let output): return "listener `\(step)` did not start: \(output.trimmingTrailingNewlines)"
        case .interrupted: return "lab build interrupted at `\(step)`"
        case .notRoot: return "building the lab needs root (it creates network namespaces): run it with sudo"
        }
    }
}

extension String {
    var trimmingTrailingNewlines: String {
        var text = self
        while text.last == "\n" { text.removeLast() }
        return text
    }
}
