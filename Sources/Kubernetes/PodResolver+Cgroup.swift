import FoundationEssentials
import NetNS

extension PodResolver {
    /// The lowest pid whose `/proc/PID/cgroup` names the pod UID, in the cgroupfs form (`pod<uid>`) or the
    /// systemd form (`pod<uid with - replaced by _>`). Pids that exit during the scan are skipped.
    public func processInPod(uid: String) -> Int32? {
        let needles = ["pod" + uid, "pod" + uid.replacing("-", with: "_")]
        let pids = ((try? FileManager.default.contentsOfDirectory(atPath: procRoot)) ?? []).compactMap { Int32($0) }.sorted()
        for pid in pids {
            guard let text = try? ProcFile.readText("\(procRoot)/\(pid)/cgroup") else { continue }
            for line in text.split(separator: "\n") {
                // Lines are `hierarchy-id:controllers:path`; only the path may hold the pod UID.
                guard let path = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).last,
                      path.contains("kubepods") else { continue }
                if needles.contains(where: { path.contains($0) }) { return pid }
            }
        }
        return nil
    }

    /// kubelet's pod log directories, `<namespace>_<name>_<uid>` (namespace and name cannot contain `_`).
    func podLogDirectoryEntries() -> [(namespace: String, name: String, uid: String)] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: podLogRoot)) ?? []
        return entries.compactMap { entry in
            let parts = entry.split(separator: "_", omittingEmptySubsequences: false)
            guard parts.count == 3, !parts.contains(where: \.isEmpty) else { return nil }
            return (String(parts[0]), String(parts[1]), String(parts[2]))
        }
    }

    /// The pod UID from kubelet's log directory name, when the pod has one.
    func podUIDFromLogDirectory(namespace: String, name: String) -> String? {
        podLogDirectoryEntries().first { $0.namespace == namespace && $0.name == name }?.uid
    }
}
