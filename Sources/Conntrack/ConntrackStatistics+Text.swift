extension ConntrackStatistics {
    /// The statistics as one JSON object with `schema_version`.
    public var jsonLine: String {
        JSONText.string { json in
            json.open()
            json.field("schema_version", UInt(conntrackSchemaVersion))
            if let entries { json.field("entries", entries) }
            if let maximum { json.field("max_entries", maximum) }
            json.key("total"); Self.write(total.counters, into: &json)
            json.key("per_cpu"); json.openArray()
            for cpu in perCPU {
                json.open()
                if let number = cpu.cpu { json.field("cpu", number) }
                json.key("counters"); Self.write(cpu.counters, into: &json)
                json.close()
            }
            json.closeArray()
            json.close()
        }
    }

    /// A short text report: entries of maximum, then the per-CPU counters in a table with a total row.
    public var textReport: String {
        var text = "entries: \(entries.map(String.init) ?? "?")"
        if let maximum { text += " of nf_conntrack_max \(maximum) (global, shared by every namespace)" }
        text += "\n"
        let names = CPUStatistics.names.filter { name in !name.isEmpty && perCPU.contains { $0.counters[name] != nil } }
        guard !names.isEmpty else { return text }
        var rows = [["CPU"] + names]
        for cpu in perCPU {
            rows.append([cpu.cpu.map(String.init) ?? "?"] + names.map { cpu.counters[$0].map(String.init) ?? "-" })
        }
        rows.append(["total"] + names.map { String(total.counters[$0] ?? 0) })
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            text += zip(row, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: "  ")
            text += "\n"
        }
        return text
    }

    private static func write(_ counters: [String: UInt64], into json: inout JSONText) {
        json.open()
        for name in CPUStatistics.names where !name.isEmpty {
            guard let value = counters[name] else { continue }
            json.key(dynamic: name)
            json.number(value)
        }
        json.close()
    }
}
