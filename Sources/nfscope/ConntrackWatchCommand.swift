import ArgumentParser
import Foundation
import NFScope

/// `nfscope conntrack watch`: NEW / UPDATE / DESTROY events until interrupted.
struct ConntrackWatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Print conntrack events (new, update, destroy) as they happen; lost events are reported."
    )

    @OptionGroup var namespace: NamespaceOptions
    @OptionGroup var filters: FlowFilterOptions
    @Option(name: .long, help: "Event types, comma-separated: new,update,destroy (default all).") var events: String?
    @Option(name: .long, help: "Stop after this many events.") var count: Int?
    @Option(name: .long, help: "Stop after this many seconds.") var seconds: Double?
    @OptionGroup var output: OutputOptions

    func run() throws {
        let filter = try filters.filter()
        let watcher = try ConntrackWatcher(namespace: try namespace.handle(), types: try eventTypes(),
                                           receiveBufferBytes: 8 << 20)
        let deadline = seconds.map { Date().addingTimeInterval($0) }
        var delivered = 0, lost = 0
        let out = LineWriter()
        try watcher.watch(matching: filter, stop: { deadline.map { Date() >= $0 } ?? false }) { event in
            if case .lost = event {
                lost += 1
                ExitStatus.printError("nfscope: events lost: the kernel's socket buffer overflowed (ENOBUFS)")
            }
            out.line(output.json ? event.jsonLine : "\(event.name.uppercased().padding(toLength: 8, withPad: " ", startingAt: 0)) "
                     + (event.flow.map(FlowTable.row) ?? "events were lost"))
            out.flush()
            delivered += 1
            return count.map { delivered < $0 } ?? true
        }
        if lost > 0 { throw CommandFailure(message: "\(lost) overrun(s): some events were lost", exitCode: ExitStatus.findings) }
    }

    private func eventTypes() throws -> ConntrackEventTypes {
        guard let events else { return .all }
        var types = ConntrackEventTypes()
        for name in events.split(separator: ",") {
            switch name.lowercased() {
            case "new": types.insert(.new)
            case "update": types.insert(.update)
            case "destroy": types.insert(.destroy)
            default: throw ValidationError("unknown event type \(name); use new, update, destroy")
            }
        }
        return types
    }
}
