/// Enumerates every combination of the random choices (statistic, numgen, hash, recent) and hook orders a
/// simulation meets, by replaying it: each run follows the choices recorded so far and takes the first
/// option at each new choice point; `advance()` then moves to the next combination, like an odometer.
final class BranchCursor {
    /// What a choice point decides.
    enum Kind: Equatable {
        /// Random: the probability of each option (nil when unknown, as for `recent`).
        case random([Double?])
        /// An order of equal-priority base chains, which the kernel does not let us read.
        case order(Int)
    }

    struct Point {
        var kind: Kind
        var labels: [String]
        var chosen: Int
    }

    private(set) var points: [Point] = []
    private var position = 0

    /// Starts a new run over the same recorded prefix.
    func rewind() { position = 0 }

    /// The option to take at the next choice point of this run.
    func choose(_ kind: Kind, labels: [String]) -> Int {
        defer { position += 1 }
        if position < points.count { return points[position].chosen }
        points.append(Point(kind: kind, labels: labels, chosen: 0))
        return 0
    }

    /// Points past the current run's end belong to another branch: forget them, then step the last point
    /// that has options left. Returns false when every combination has been run.
    func advance() -> Bool {
        points.removeSubrange(position...)
        while let last = points.last {
            if last.chosen + 1 < last.labels.count {
                points[points.count - 1].chosen += 1
                return true
            }
            points.removeLast()
        }
        return false
    }

    /// The probability of the current run (nil if any random choice had an unknown probability).
    var probability: Double? {
        var product = 1.0
        for point in points {
            guard case .random(let probabilities) = point.kind else { continue }
            guard let p = probabilities[point.chosen] else { return nil }
            product *= p
        }
        return product
    }

    /// The labels of the random choices of the current run.
    var randomLabels: [String] {
        points.compactMap { point in
            if case .random = point.kind { return point.labels[point.chosen] }
            return nil
        }
    }

    /// The labels of the order choices of the current run.
    var orderLabels: [String] {
        points.compactMap { point in
            if case .order = point.kind { return point.labels[point.chosen] }
            return nil
        }
    }
}
