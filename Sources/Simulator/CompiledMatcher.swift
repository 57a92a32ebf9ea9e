import NetCore
import NFTables

/// What a compiled chain run reports besides its verdict; the hot path's observer does nothing but pick
/// branches, the ``ChainEvaluator`` adapter's records steps like the interpreter. Generic, not existential,
/// so the hot path is specialised.
protocol CompiledObserver {
    /// Option 0 (the match) or 1 at a random choice.
    mutating func choose(probability: Double, label: Int32) -> Int
    /// A rule beyond the compiled subset: nil when this run cannot interpret it (the hot path gives up).
    mutating func interpret(chain: Int32, rule: Int32, packet: inout FastPacket) -> CompiledAction??
    mutating func markSet(chain: Int32, rule: Int32, mark: UInt32)
    mutating func record(chain: Int32, rule: Int32, action: CompiledAction)
    mutating func recordPolicy(chain: Int32, code: Verdict.Code)
    mutating func warnMissingTarget(chain: Int32, rule: Int32)
    mutating func warnDeepStack()
}

/// How a compiled base-chain run ended.
public enum CompiledVerdict: Hashable, Sendable {
    case accept, drop
    case reject(RejectKind)
    case nat(NatAction)
    case unfollowable(Verdict.Code)
    /// A rule needed the interpreter and the caller has none: rerun the packet with the interpreter.
    case needsInterpreter
}

/// A base-chain run's verdict and the deciding rule: chain and position (position -1: the policy).
public struct CompiledChainResult: Hashable, Sendable {
    public var verdict: CompiledVerdict
    public var chain: Int32
    public var position: Int32
}

extension CompiledRuleset {
    /// Runs base chain `start` (and the chains it jumps to) on a packet, candidates in rule order.
    func run<O: CompiledObserver>(_ start: Int32, _ packet: inout FastPacket, _ observer: inout O) -> CompiledChainResult {
        withUnsafeTemporaryAllocation(of: Int64.self, capacity: 16) { stack in
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: 2 * (Self.maxClasses + 1)) { cursors in
                runFrames(start, &packet, &observer, stack, cursors)
            }
        }
    }

    private func runFrames<O: CompiledObserver>(_ start: Int32, _ packet: inout FastPacket, _ observer: inout O,
                                                _ stack: UnsafeMutableBufferPointer<Int64>,
                                                _ cursors: UnsafeMutableBufferPointer<Int32>) -> CompiledChainResult {
        var depth = 0
        var header = header(at: chainOffsets[Int(start)])
        var linearNext: Int32 = 0
        prepare(header, from: 0, packet, cursors, &linearNext)
        while true {
            var viaKey = false
            var unitSlot: Int32 = -1
            let position = next(header, cursors, &linearNext, &viaKey, &unitSlot)
            guard position >= 0 else {
                if depth > 0 {
                    depth -= 1
                    let frame = stack[depth]
                    header = self.header(at: Int32(truncatingIfNeeded: frame >> 32))
                    prepare(header, from: Int32(truncatingIfNeeded: frame & 0xffff_ffff), packet, cursors, &linearNext)
                    continue
                }
                return policy(start, &observer)
            }
            let chainID = header.chainID
            let unit = unitSlot >= 0 ? slots[Int(unitSlot)].unit : code[Int(header.ruleStart + position)]
            var kind = PackedRule.Kind(rawValue: unit.test) ?? .fallThrough
            var argument = Int32(truncatingIfNeeded: unit.word)
            var interpretedAction: CompiledAction?
            if unit.flags & PackedRule.interpreted != 0 {
                guard let interpreted = observer.interpret(chain: chainID, rule: position, packet: &packet) else {
                    return CompiledChainResult(verdict: .needsInterpreter, chain: chainID, position: position)
                }
                guard let action = interpreted else { continue }  // no match
                interpretedAction = action
                switch action {
                case .fallThrough: kind = .fallThrough
                case .accept: kind = .accept
                case .drop: kind = .drop
                case .jump(let target): kind = .jump; argument = chainOffsets[Int(target)]
                case .goto(let target): kind = .goto; argument = chainOffsets[Int(target)]
                case .missingTarget: kind = .missingTarget
                case .return: kind = .return
                case .nat, .reject, .unfollowable: kind = .other
                }
            } else {
                // Found through its dispatch key, a rule's leading key tests are already proven.
                let opStart = Int(unit.aux), proven = viaKey ? unit.provenUnits : 0
                guard evaluate(opStart + proven, opStart + unit.opUnits, chainID, position, &packet, &observer) else { continue }
            }
            switch kind {
            case .fallThrough:
                continue
            case .accept:
                observer.record(chain: chainID, rule: position, action: .accept)
                return CompiledChainResult(verdict: .accept, chain: chainID, position: position)
            case .drop:
                observer.record(chain: chainID, rule: position, action: .drop)
                return CompiledChainResult(verdict: .drop, chain: chainID, position: position)
            case .other:
                let action = interpretedAction
                    ?? (unit.flags & PackedRule.inlineNat != 0 ? .nat(Self.unpackNat(unit.word)) : actions[Int(argument)])
                observer.record(chain: chainID, rule: position, action: action)
                return CompiledChainResult(verdict: Self.verdict(action), chain: chainID, position: position)
            case .missingTarget:
                observer.warnMissingTarget(chain: chainID, rule: position)
            case .jump, .goto:
                // A rule found in its key slot had its target prefetched when the slot was found.
                if interpretedAction == nil, unitSlot < 0 { prefetch(argument, units: unit.word >> 32) }
                let target = self.header(at: argument)
                observer.record(chain: chainID, rule: position, action: kind == .jump ? .jump(target.chainID) : .goto(target.chainID))
                if kind == .jump {
                    guard depth < 16 else {
                        observer.warnDeepStack()
                        return CompiledChainResult(verdict: .drop, chain: chainID, position: position)
                    }
                    stack[depth] = Int64(header.offset) << 32 | Int64(position + 1)
                    depth += 1
                }
                header = target
                prepare(header, from: 0, packet, cursors, &linearNext)
            case .return:
                observer.record(chain: chainID, rule: position, action: .return)
                guard depth > 0 else { return policy(start, &observer) }
                depth -= 1
                let frame = stack[depth]
                header = self.header(at: Int32(truncatingIfNeeded: frame >> 32))
                prepare(header, from: Int32(truncatingIfNeeded: frame & 0xffff_ffff), packet, cursors, &linearNext)
            }
        }
    }

    /// The NAT mapping a rule unit carries inline (see `Builder.packNat`).
    @inline(__always)
    static func unpackNat(_ word: UInt64) -> NatAction {
        let kind: NatAction.Kind
        switch word & 3 {
        case 0: kind = .dnat
        case 1: kind = .snat
        case 2: kind = .masquerade
        default: kind = .redirect
        }
        return NatAction(kind: kind,
                         address: word & 4 != 0 ? .v4(UInt32(truncatingIfNeeded: word >> 32)) : nil,
                         port: word & 8 != 0 ? UInt16(truncatingIfNeeded: word >> 16) : nil)
    }

    /// A chain's header, decoded from its units in `code`.
    @inline(__always)
    func header(at offset: Int32) -> ChainHeader {
        let unit = code[Int(offset)], operand = code[Int(offset) + 1]
        return ChainHeader(offset: offset, chainID: Int32(bitPattern: unit.aux), ruleStart: offset + ChainHeader.units,
                           ruleCount: Int32(truncatingIfNeeded: unit.word & 0xffff_ffff),
                           classStart: Int32(truncatingIfNeeded: operand.word & 0xffff_ffff),
                           classCount: Int32(truncatingIfNeeded: unit.word >> 32),
                           residueStart: Int32(truncatingIfNeeded: operand.word >> 32),
                           residueCount: Int32(bitPattern: operand.aux), linear: unit.flags != 0,
                           policy: Verdict.Code(rawValue: Int32(Int8(bitPattern: unit.test))))
    }

    private func policy<O: CompiledObserver>(_ start: Int32, _ observer: inout O) -> CompiledChainResult {
        let policy = header(at: chainOffsets[Int(start)]).policy
        observer.recordPolicy(chain: start, code: policy)
        return CompiledChainResult(verdict: Self.verdict(policy), chain: start, position: -1)
    }

    static func verdict(_ code: Verdict.Code) -> CompiledVerdict {
        switch code {
        case .accept: return .accept
        case .drop: return .drop
        default: return .unfollowable(code)
        }
    }

    static func verdict(_ action: CompiledAction) -> CompiledVerdict {
        switch action {
        case .accept: return .accept
        case .drop: return .drop
        case .nat(let nat): return .nat(nat)
        case .reject(let kind): return .reject(kind)
        case .unfollowable(let code): return .unfollowable(code)
        default: return .accept
        }
    }

    // MARK: candidates

    /// Sets the cursors of a chain for rules at positions `from` and later: per dispatch class the rules of
    /// the packet's key, then the residue. A chain without classes walks every rule (`linearNext`).
    @inline(__always)
    private func prepare(_ header: ChainHeader, from: Int32, _ packet: FastPacket, _ cursors: UnsafeMutableBufferPointer<Int32>,
                         _ linearNext: inout Int32) {
        guard !header.linear else {
            linearNext = from
            return
        }
        var slot = 0
        for c in header.classStart..<header.classStart + header.classCount {
            let dispatch = classes[Int(c)]
            cursors[slot] = 0
            cursors[slot + 1] = 0
            var found: Int32 = -1
            if let range = lookup(dispatch, packet, &found) {
                if range.isEmpty {
                    // A single rule (kube-proxy's usual case), kept in the slot itself: its position stays in
                    // the cursor (encoded negative) and the slot's index in the cursor's end, so neither a
                    // rule list nor the rule unit is read.
                    let only = range.lowerBound
                    if only >= from {
                        cursors[slot] = -1 - only
                        cursors[slot + 1] = found
                        // kube-proxy's service rule: start fetching the service's chains now.
                        if let jump = slots[Int(found)].unit.compiledJump { prefetch(jump.header, units: jump.span) }
                    }
                } else {
                    cursors[slot] = Self.lowerBound(ruleLists, range, from)
                    cursors[slot + 1] = range.upperBound
                }
            }
            slot += 2
        }
        cursors[slot] = Self.lowerBound(residues, header.residueStart..<header.residueStart + header.residueCount, from)
        cursors[slot + 1] = header.residueStart + header.residueCount
        linearNext = -1
    }

    /// The rule list of the packet's key in a class, if any.
    @inline(__always)
    private func lookup(_ dispatch: ClassHeader, _ packet: FastPacket, _ found: inout Int32) -> Range<Int32>? {
        guard let (key, home) = homeSlot(dispatch, packet) else { return nil }
        let mask = Int(dispatch.slotMask)
        var index = home
        while true {
            let slot = slots[Int(dispatch.slotStart) + index]
            if slot.end < 0 { return nil }
            if slot.lo == key.lo && slot.hi == key.hi {
                found = dispatch.slotStart + Int32(index)
                return slot.start..<slot.end
            }
            index = (index + 1) & mask
        }
    }

    /// A packet's key in a class (its windows masked and joined) and the key's home slot, relative to the
    /// class's first; nil when a window cannot be read or the presence filter proves the key absent.
    @inline(__always)
    func homeSlot(_ dispatch: ClassHeader, _ packet: FastPacket) -> (key: Wide, index: Int)? {
        var key = Wide.zero
        for w in dispatch.windowStart..<dispatch.windowStart + dispatch.windowCount {
            let masked = classWindows[Int(w)]
            guard let value = packet.read(masked.window) else { return nil }
            key.append(value & masked.mask, length: Int(masked.window.length))
        }
        let hash = HashSlot.hash(key)
        let bit = Int(truncatingIfNeeded: hash >> 40) & Int(dispatch.filterMask)
        guard filterWords[Int(dispatch.filterStart) + bit >> 6] & (1 << UInt64(bit & 63)) != 0 else { return nil }
        return (key, Int(truncatingIfNeeded: hash >> 32) & Int(dispatch.slotMask))
    }

    private static func lowerBound(_ list: [Int32], _ range: Range<Int32>, _ value: Int32) -> Int32 {
        var low = range.lowerBound, high = range.upperBound
        while low < high {
            let middle = (low + high) / 2
            if list[Int(middle)] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The next candidate position of the chain in rule order (-1 at the end), advancing its cursor.
    @inline(__always)
    private func next(_ header: ChainHeader, _ cursors: UnsafeMutableBufferPointer<Int32>, _ linearNext: inout Int32,
                      _ viaKey: inout Bool, _ unitSlot: inout Int32) -> Int32 {
        if header.linear {
            guard linearNext < header.ruleCount else { return -1 }
            defer { linearNext += 1 }
            return linearNext
        }
        var best = Int32.max, bestSlot = -1
        var slot = 0
        for _ in 0..<header.classCount {
            let cursor = cursors[slot]
            if cursor < 0 || cursor < cursors[slot + 1] {
                let candidate = cursor < 0 ? -1 - cursor : ruleLists[Int(cursor)]
                if candidate < best { best = candidate; bestSlot = slot }
            }
            slot += 2
        }
        if cursors[slot] < cursors[slot + 1] {
            let candidate = residues[Int(cursors[slot])]
            if candidate < best { best = candidate; bestSlot = slot }
        }
        guard bestSlot >= 0 else { return -1 }
        viaKey = bestSlot < slot  // a class cursor, not the residue
        if cursors[bestSlot] < 0 {
            // A single rule: its unit is in the key slot whose index the cursor's end holds.
            unitSlot = cursors[bestSlot + 1]
            cursors[bestSlot] = 0
            cursors[bestSlot + 1] = 0
        } else {
            cursors[bestSlot] += 1
        }
        return best
    }

    // MARK: ops

    /// Runs a rule's ops; false as soon as one fails.
    @inline(__always)
    private func evaluate<O: CompiledObserver>(_ opStart: Int, _ opEnd: Int, _ chainID: Int32, _ position: Int32,
                                               _ packet: inout FastPacket, _ observer: inout O) -> Bool {
        var index = opStart
        while index < opEnd {
            let op = code[index]
            index += 1
            switch op.kind {
            case .test:
                guard let loaded = packet.read(op.window) else { return false }
                // Operand units: the mask (when it drops bits of the window), then the upper bound.
                var mask = UInt64.max, upper: UInt64 = 0
                if op.flags & 1 != 0 { mask = code[index].word; index += 1 }
                if op.flags & 2 != 0 { upper = code[index].word; index += 1 }
                let x = loaded.lo & mask, value = op.word
                let passed: Bool
                switch op.test {
                case TestOp.eq.rawValue: passed = x == value
                case TestOp.neq.rawValue: passed = x != value
                case TestOp.lt.rawValue: passed = x < value
                case TestOp.lte.rawValue: passed = x <= value
                case TestOp.gt.rawValue: passed = x > value
                case TestOp.gte.rawValue: passed = x >= value
                case TestOp.inRange.rawValue: passed = x >= value && x <= upper
                default: passed = x < value || x > upper
                }
                guard passed else { return false }
            case .wideTest:
                guard let loaded = packet.read(op.window) else { return false }
                let test = wideTests[Int(op.word)]
                let x = loaded & test.mask, value = test.value
                let passed: Bool
                switch op.test {
                case TestOp.eq.rawValue: passed = x == value
                case TestOp.neq.rawValue: passed = x != value
                case TestOp.lt.rawValue: passed = x < value
                case TestOp.lte.rawValue: passed = !(value < x)
                case TestOp.gt.rawValue: passed = value < x
                case TestOp.gte.rawValue: passed = !(x < value)
                case TestOp.inRange.rawValue: passed = !(x < value) && !(test.upper < x)
                default: passed = x < value || test.upper < x
                }
                guard passed else { return false }
            case .ports:
                let tcp = op.aux == 1
                guard packet.proto == (tcp ? 6 : 17) else { return false }
                let sourceLow = UInt16(truncatingIfNeeded: op.word), sourceHigh = UInt16(truncatingIfNeeded: op.word >> 16)
                let destinationLow = UInt16(truncatingIfNeeded: op.word >> 32), destinationHigh = UInt16(truncatingIfNeeded: op.word >> 48)
                let invert = op.test
                guard (packet.sourcePort >= sourceLow && packet.sourcePort <= sourceHigh) != (invert & 0x01 != 0),
                      (packet.destinationPort >= destinationLow && packet.destinationPort <= destinationHigh) != (invert & 0x02 != 0)
                else { return false }
                if tcp {
                    let flagMask = UInt8(truncatingIfNeeded: op.flags), flagCompare = UInt8(truncatingIfNeeded: op.flags >> 8)
                    if (packet.tcpFlags & flagMask == flagCompare) == (invert & 0x04 != 0) { return false }
                }
            case .ctState:
                guard (packet.conntrackStateBits & op.flags != 0) != (op.test != 0) else { return false }
            case .destinationLocal:
                guard routes.isLocal(packet.destination, ipv6: packet.isIPv6) != (op.test != 0) else { return false }
            case .choice:
                guard observer.choose(probability: Double(bitPattern: op.word), label: Int32(bitPattern: op.aux)) == 0
                else { return false }
            case .chainHeader, .rule, .operand:
                return false  // not an op: cannot be reached inside a rule's op range
            case .mark:
                let and = UInt32(truncatingIfNeeded: op.word), or = UInt32(truncatingIfNeeded: op.word >> 32)
                packet.mark = (packet.mark & and | or) ^ op.aux
                observer.markSet(chain: chainID, rule: position, mark: packet.mark)
            }
        }
        return true
    }
}
