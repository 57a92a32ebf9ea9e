/// "Did you mean" for pod and service names: known names within a small edit distance, or containing
/// the asked name, best first.
enum NameSuggestions {
    /// At most `limit` candidates close to `wanted`.
    static func closest(to wanted: String, among candidates: some Sequence<String>, limit: Int = 5) -> [String] {
        let wantedBytes = Array(wanted.utf8)
        let threshold = max(2, wantedBytes.count / 3)
        var scored: [(distance: Int, name: String)] = []
        for candidate in Set(candidates) where candidate != wanted {
            let distance = editDistance(wantedBytes, Array(candidate.utf8))
            if distance <= threshold || candidate.contains(wanted) || wanted.contains(candidate) {
                scored.append((distance, candidate))
            }
        }
        scored.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.name < $1.name }
        return scored.prefix(limit).map(\.name)
    }

    /// Levenshtein distance over bytes, two rows of memory.
    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
