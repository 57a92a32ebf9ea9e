import Foundation

/// Where rendered ruleset text goes: held back while it is small, so a replay after a change mid-read can
/// drop it and the user never sees a ruleset twice; written to stdout in 64 KiB pieces once it is large,
/// so memory stays bounded on 200,000-rule rulesets. A replay after writing has begun fails the command
/// (the output would be inconsistent) and asks to run it again.
final class RulesetOutput {
    /// Held back up to this many bytes.
    static let holdLimit = 1 << 20
    private static let chunk = 64 << 10

    private var pending: [UInt8] = []
    private var streaming = false

    func write(_ text: String) {
        pending.append(contentsOf: text.utf8)
        if streaming ? pending.count >= Self.chunk : pending.count >= Self.holdLimit {
            streaming = true
            flush()
        }
    }

    /// The read starts over: drop what was held, or fail when part of it was already printed.
    func restart() throws {
        if streaming {
            throw CommandFailure(message: "the ruleset changed while it was being printed; run the command again")
        }
        pending.removeAll(keepingCapacity: true)
    }

    func flush() {
        guard !pending.isEmpty else { return }
        FileHandle.standardOutput.write(Data(pending))
        pending.removeAll(keepingCapacity: pending.capacity <= 2 * Self.chunk)
    }
}
