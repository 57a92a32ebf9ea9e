import NFScope

/// The text form of `nfscope netns list`: one block per namespace, interfaces aligned beneath it.
enum NamespaceListText {
    static func render(_ reports: [NamespaceReport]) -> String {
        var text = ""
        for report in reports {
            text += header(report) + "\n"
            if let error = report.error { text += "  (interfaces not read: \(error))\n" }
            let rows = report.interfaces.map(row)
            text += TextTable.align(rows, indent: "  ")
            text += "\n"
        }
        return text
    }

    static func header(_ report: NamespaceReport) -> String {
        var parts = ["netns \(report.label)"]
        if report.isCurrent, report.label != "current" { parts.append("(current)") }
        if report.names.count > 1 { parts.append("aka " + report.names.dropFirst().joined(separator: ", ")) }
        parts.append("inode \(report.inode)")
        let shown = report.processes.map { "\($0.pid) \($0.command)" }.joined(separator: ", ")
        let more = report.processCount > report.processes.count ? ", …" : ""
        parts.append(report.processCount == 0 ? "no processes" :
                     "\(report.processCount) process\(report.processCount == 1 ? "" : "es"): \(shown)\(more)")
        return parts.joined(separator: "  ")
    }

    static func row(_ interface: InterfaceReport) -> [String] {
        var link = ""
        if let peer = interface.peer {
            let place = peer.namespace.map { " in \($0)" } ?? ""
            link = "peer \(peer.name ?? "#\(peer.index)")\(place)"
        }
        if let master = interface.master { link += (link.isEmpty ? "" : ", ") + "master \(master)" }
        return [interface.name, interface.kind, interface.isUp ? "up" : "down", "mtu \(interface.mtu)",
                interface.addresses.map(\.description).joined(separator: " "), link]
    }
}

/// Left-aligned columns, trailing blanks trimmed.
enum TextTable {
    static func align(_ rows: [[String]], indent: String = "", gap: String = "  ") -> String {
        guard let columns = rows.map(\.count).max() else { return "" }
        var widths = [Int](repeating: 0, count: columns)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        return rows.map { row in
            var line = indent
            for (index, cell) in row.enumerated() {
                line += cell
                if index < row.count - 1 { line += String(repeating: " ", count: widths[index] - cell.count) + gap }
            }
            while line.last == " " { line.removeLast() }
            return line + "\n"
        }.joined()
    }
}
