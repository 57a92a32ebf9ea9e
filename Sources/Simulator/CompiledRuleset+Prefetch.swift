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

    /// The dispatch classes a packet meets first when it enters chain `id`: the chain's own, then those of
    /// the chains its leading unconditional jumps enter (kube-proxy's nat PREROUTING → KUBE-SERVICES), a
    /// few levels deep.
    func entryClasses(_ id: Int32, depth: Int = 0) -> [Int32] {
        guard id >= 0, Int(id) < chainOffsets.count else { return [] }
        let header = header(at: chainOffsets[Int(id)])
        var found = Array(header.classStart..<header.classStart + header.classCount)
        guard depth < 3 else { return found }
        for position in 0..<header.ruleCount {
            let unit = code[Int(header.ruleStart + position)]
            guard unit.flags & PackedRule.interpreted == 0, unit.opUnits == 0 else { break }
            if unit.test == PackedRule.Kind.fallThrough.rawValue { continue }
            guard let jump = unit.compiledJump, jump.header >= 0, Int(jump.header) < code.count else { break }
            found += entryClasses(self.header(at: jump.header).chainID, depth: depth + 1)
            if unit.test == PackedRule.Kind.goto.rawValue { break }
        }
        return found
    }

    /// Hints the key slot a packet's key selects in class `index` (when the presence filter has the key),
    /// before the chain walk gets there: the first miss of a large ruleset then overlaps with the hooks'
    /// work up to that chain.
    @inline(__always)
    func prefetchSlot(_ index: Int32, _ packet: FastPacket) {
        let dispatch = classes[Int(index)]
        guard let (_, home) = homeSlot(dispatch, packet) else { return }
        let slot = Int(dispatch.slotStart) + home
        slots.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, slot < buffer.count else { return }
            let start = UnsafeRawPointer(base + slot)
            nfscope_prefetch(start)
            nfscope_prefetch(start + (MemoryLayout<HashSlot>.size - 1))  // a slot may straddle two lines
        }
    }
}
