import CPrefetch

extension CompiledRuleset {
    /// The most units a jump prefetches: a service chain and a few endpoint chains (12 cache lines).
    static let prefetchUnits = 48

    /// Hints the cache lines of the `units` code units from `offset` (a jump target's subtree, see
    /// ``ChainLayout``), so their misses overlap with each other and with the rest of the current rule.
    @inline(__always)
    func prefetch(_ offset: Int32, units: UInt64) {
        let count = Int(truncatingIfNeeded: min(units, UInt64(Self.prefetchUnits)))
        guard count > 0 else { return }
        code.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, offset >= 0, Int(offset) < buffer.count else { return }
            let end = min(Int(offset) + count, buffer.count)
            let start = UnsafeRawPointer(base + Int(offset)), bytes = (end - Int(offset)) * MemoryLayout<CodeUnit>.stride
            var line = 0
            while line < bytes {
                nfscope_prefetch(start + line)
                line += 64
            }
            nfscope_prefetch(start + (bytes - 1))  // the tail's line when the span does not start on a line
        }
    }
}
