import Foundation

extension DemoLab {
    /// Removes everything named with `prefix` from any process: namespaces `<prefix>-*` under `/run/netns`,
    /// and processes whose arguments carry the lab's marker. For `lab down` and crash recovery.
    public static func sweep(prefix: String) {
        let leftover = leftovers(prefix: prefix)
        for pid in leftover.processes { kill(pid, SIGKILL) }
        for name in leftover.namespaces { try? LabCommand.run(["ip", "netns", "del", name]) }
        removeRuntimeTree(prefix: prefix)
    }

    /// What is left of a lab: namespace names and pids of marked processes.
    public static func leftovers(prefix: String) -> (namespaces: [String], processes: [Int32]) {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: "/run/netns")) ?? [])
            .filter { $0.hasPrefix(prefix + "-") }.sorted()
        let marker = Array(processMarker(prefix: prefix).utf8)
        var pids: [Int32] = []
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { continue }
            // Arguments are NUL-separated; the marker must be a whole argument.
            if data.split(separator: 0).contains(where: { Array($0) == marker }) { pids.append(pid) }
        }
        return (names, pids)
    }
}
