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
        var chainID = start
        var linearNext: Int32 = 0
        prepare(chainID, from: 0, packet, cursors, &linearNext)
        while true {
            guard let position = next(chainID, cursors, &linearNext) else {
                if depth > 0 {
                    depth -= 1
                    let frame = stack[depth]
                    chainID = Int32(truncatingIfNeeded: frame >> 32)
                    prepare(chainID, from: Int32(truncatingIfNeeded: frame & 0xffff_ffff), packet, cursors, &linearNext)
                    continue
                }
                let policy = chains[Int(start)].policy
                observer.recordPolicy(chain: start, code: policy)
                return CompiledChainResult(verdict: Self.verdict(policy), chain: start, position: -1)
            }
            let rule = chains[Int(chainID)].rules[Int(position)]
            var action: CompiledAction
            if rule.interpreted {
                guard let interpreted = observer.interpret(chain: chainID, rule: position, packet: &packet) else {
                    return CompiledChainResult(verdict: .needsInterpreter, chain: chainID, position: position)
                }
                guard let result = interpreted else { continue }  // no match
                action = result
            } else {
                guard evaluate(rule, chainID, position, &packet, &observer) else { continue }
                action = rule.action
            }
            switch action {
            case .fallThrough:
                continue
            case .accept, .drop, .unfollowable, .nat, .reject:
                observer.record(chain: chainID, rule: position, action: action)
                return CompiledChainResult(verdict: Self.verdict(action), chain: chainID, position: position)
            case .missingTarget:
                observer.warnMissingTarget(chain: chainID, rule: position)
            case .jump(let target), .goto(let target):
                observer.record(chain: chainID, rule: position, action: action)
                if case .jump = action {
                    guard depth < 16 else {
                        observer.warnDeepStack()
                        return CompiledChainResult(verdict: .drop, chain: chainID, position: position)
                    }
                    stack[depth] = Int64(chainID) << 32 | Int64(position + 1)
                    depth += 1
                }
                chainID = target
                prepare(chainID, from: 0, packet, cursors, &linearNext)
            case .return:
                observer.record(chain: chainID, rule: position, action: action)
                guard depth > 0 else {
                    let policy = chains[Int(start)].policy
                    observer.recordPolicy(chain: start, code: policy)
                    return CompiledChainResult(verdict: Self.verdict(policy), chain: start, position: -1)
                }
                depth -= 1
                let frame = stack[depth]
                chainID = Int32(truncatingIfNeeded: frame >> 32)
                prepare(chainID, from: Int32(truncatingIfNeeded: frame & 0xffff_ffff), packet, cursors, &linearNext)
            }
        }
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
    private func prepare(_ chainID: Int32, from: Int32, _ packet: FastPacket, _ cursors: UnsafeMutableBufferPointer<Int32>,
                         _ linearNext: inout Int32) {
        let chain = chains[Int(chainID)]
        guard let residue = chain.residue else {
            linearNext = from
            return
        }
        var slot = 0
        for dispatch in chain.classes {
            var key = Wide.zero
            var found = true
            for masked in dispatch.windows {
                guard let value = packet.read(masked.window) else { found = false; break }
                key.append(value & masked.mask, length: Int(masked.window.length))
            }
            if found, let range = dispatch.table[key] {
                cursors[slot] = Self.lowerBound(chain.ruleLists, range, from)
                cursors[slot + 1] = range.upperBound
            } else {
                cursors[slot] = 0
                cursors[slot + 1] = 0
            }
            slot += 2
        }
        cursors[slot] = Self.lowerBound(residue, 0..<Int32(residue.count), from)
        cursors[slot + 1] = Int32(residue.count)
        linearNext = -1
    }

    private static func lowerBound(_ list: [Int32], _ range: Range<Int32>, _ value: Int32) -> Int32 {
        var low = range.lowerBound, high = range.upperBound
        while low < high {
            let middle = (low + high) / 2
            if list[Int(middle)] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The next candidate position of the chain in rule order, advancing its cursor.
    @inline(__always)
    private func next(_ chainID: Int32, _ cursors: UnsafeMutableBufferPointer<Int32>, _ linearNext: inout Int32) -> Int32? {
        let chain = chains[Int(chainID)]
        if linearNext >= 0 {
            guard linearNext < Int32(chain.rules.count) else { return nil }
            defer { linearNext += 1 }
            return linearNext
        }
        guard let residue = chain.residue else { return nil }
        var best = Int32.max, bestSlot = -1
        var slot = 0
        for _ in chain.classes {
            if cursors[slot] < cursors[slot + 1] {
                let candidate = chain.ruleLists[Int(cursors[slot])]
                if candidate < best { best = candidate; bestSlot = slot }
            }
            slot += 2
        }
        if cursors[slot] < cursors[slot + 1] {
            let candidate = residue[Int(cursors[slot])]
            if candidate < best { best = candidate; bestSlot = slot }
        }
        guard bestSlot >= 0 else { return nil }
        cursors[bestSlot] += 1
        return best
    }

    // MARK: ops

    /// Runs a rule's ops; false as soon as one fails.
    @inline(__always)
    private func evaluate<O: CompiledObserver>(_ rule: CompiledRule, _ chainID: Int32, _ position: Int32,
                                               _ packet: inout FastPacket, _ observer: inout O) -> Bool {
        var index = Int(rule.opStart)
        let end = Int(rule.opEnd)
        while index < end {
            switch ops[index] {
            case .test(let window, let mask, let op, let value, let upper):
                guard let loaded = packet.read(window) else { return false }
                let x = loaded & mask
                let passed: Bool
                switch op {
                case .eq: passed = x == value
                case .neq: passed = x != value
                case .lt: passed = x < value
                case .lte: passed = !(value < x)
                case .gt: passed = value < x
                case .gte: passed = !(x < value)
                case .inRange: passed = !(x < value) && !(upper < x)
                case .outOfRange: passed = x < value || upper < x
                }
                guard passed else { return false }
            case .ports(let tcp, let source, let destination, let flagMask, let flagCompare, let invert):
                guard packet.proto == (tcp ? 6 : 17) else { return false }
                guard source.contains(packet.sourcePort) != (invert & 0x01 != 0) else { return false }
                guard destination.contains(packet.destinationPort) != (invert & 0x02 != 0) else { return false }
                if tcp, (packet.tcpFlags & flagMask == flagCompare) == (invert & 0x04 != 0) { return false }
            case .ctState(let mask, let inverted):
                guard (packet.conntrackStateBits & mask != 0) != inverted else { return false }
            case .destinationLocal(let inverted):
                guard routes.isLocal(packet.destination, ipv6: packet.isIPv6) != inverted else { return false }
            case .choice(let probability, let label):
                guard observer.choose(probability: probability, label: label) == 0 else { return false }
            case .mark(let and, let or, let xor):
                packet.mark = (packet.mark & and | or) ^ xor
                observer.markSet(chain: chainID, rule: position, mark: packet.mark)
            }
            index += 1
        }
        return true
    }
}
