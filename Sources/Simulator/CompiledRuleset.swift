import NetCore
import NFTables

/// A namespace's nf_tables ruleset compiled for the hot path: every chain's rules as flat op ranges, each
/// chain's rules indexed by the values of their leading exact tests (hash dispatch on kube-proxy's
/// (destination, protocol, port); one class per prefix length of address matches, a tuple space), and
/// the rest kept as an ordered residue. Candidates are merged in rule order, so first-match order holds.
/// At run time everything is in flat arrays of plain values.
public final class CompiledRuleset: Sendable {
    let chains: [CompiledChain]
    let labels: [String]
    let sourceRules: [Rule]
    let chainIDs: [RulesetIndex.ChainKey: Int32]
    let routes: CompiledRoutes

    /// Per chain, in order: a header unit, one unit per rule, then the rules' ops. Chains follow each other
    /// depth first along jumps (``ChainLayout``), so a jump's target and the chains under it are one span.
    let code: [CodeUnit]
    /// The header unit of each chain id.
    let chainOffsets: [Int32]
    let actions: [CompiledAction]
    let wideTests: [(mask: Wide, value: Wide, upper: Wide)]
    let classes: [ClassHeader]
    let classWindows: [MaskedWindow]
    let slots: [HashSlot]
    let filterWords: [UInt64]
    let ruleLists: [Int32]
    let residues: [Int32]

    /// Rules lowered to ops.
    public let compiledRules: Int
    /// Rules beyond the compiled subset, run by the interpreter when reached.
    public let interpretedRules: Int
    /// Rules reachable through a dispatch class rather than the residue.
    public let indexedRules: Int

    /// The most dispatch classes a chain keeps (the largest); the rest of its rules join the residue.
    static let maxClasses = 8
    /// A class smaller than this is not worth a hash lookup: its rules join the residue.
    static let minClassSize = 4

    init(_ snapshot: RulesetSnapshot, routes: CompiledRoutes) {
        self.routes = routes
        var chainIDs: [RulesetIndex.ChainKey: Int32] = [:]
        for chain in snapshot.structure.chains {
            let key = RulesetIndex.ChainKey(family: chain.family, table: chain.table, chain: chain.name)
            if chainIDs[key] == nil { chainIDs[key] = Int32(chainIDs.count) }
        }
        self.chainIDs = chainIDs
        // Rules come chain by chain: group runs, hashing a chain key once per run rather than per rule.
        var rulesByChain: [RulesetIndex.ChainKey: [Int32]] = [:]
        var runStart = 0
        let all = snapshot.rules
        while runStart < all.count {
            let first = all[runStart]
            var runEnd = runStart + 1
            while runEnd < all.count, all[runEnd].chain == first.chain, all[runEnd].table == first.table,
                  all[runEnd].family == first.family { runEnd += 1 }
            rulesByChain[RulesetIndex.ChainKey(family: first.family, table: first.table, chain: first.chain), default: []]
                .append(contentsOf: (runStart..<runEnd).map { Int32($0) })
            runStart = runEnd
        }
        var lowering = RuleLowering(chainIDs: chainIDs, addressTypes: routes.isExact)
        var builder = Builder()
        var chains: [CompiledChain?] = Array(repeating: nil, count: chainIDs.count)
        // Every rule's ops in one array (a rule is a range of it): no array per rule.
        var ops: [CompiledOp] = []
        ops.reserveCapacity(snapshot.rules.count * 3)
        var lowered: [[LoweredRule?]] = Array(repeating: [], count: chainIDs.count)
        var skips: [[UInt8]] = Array(repeating: [], count: chainIDs.count)
        var partial: [ChainHeader?] = Array(repeating: nil, count: chainIDs.count)
        var compiled = 0, interpreted = 0, indexed = 0
        for chain in snapshot.structure.chains {
            let key = RulesetIndex.ChainKey(family: chain.family, table: chain.table, chain: chain.name)
            guard let id = chainIDs[key], chains[Int(id)] == nil else { continue }
            let ids = rulesByChain[key] ?? []
            var rules: [LoweredRule?] = []
            rules.reserveCapacity(ids.count)
            var signatures: [[MaskedWindow]: [(Int32, Wide)]] = [:]
            let classable = ids.count >= Self.minClassSize
            for (position, ruleID) in ids.enumerated() {
                let opStart = ops.count
                // A rule whose ops outgrow a rule unit's count (never seen) is left to the interpreter.
                let action = lowering.lower(snapshot.rules[Int(ruleID)], into: &ops)
                let units = Self.units(ops[opStart...])
                guard let action, units <= PackedRule.maxOpUnits else {
                    ops.removeSubrange(opStart...)
                    rules.append(nil)
                    interpreted += 1
                    continue
                }
                compiled += 1
                rules.append(LoweredRule(opStart: Int32(opStart), opEnd: Int32(ops.count), units: Int32(units), action: action))
                // A chain shorter than the smallest class has none: most chains (kube-proxy's endpoint chains).
                if classable, let (signature, value) = Self.signature(ops[opStart...]) {
                    signatures[signature, default: []].append((Int32(position), value))
                }
            }
            let kept = signatures.filter { $0.value.count >= Self.minClassSize }
                .sorted { $0.value.count != $1.value.count ? $0.value.count > $1.value.count : $0.value[0].0 < $1.value[0].0 }
                .prefix(Self.maxClasses)
            let classStart = Int32(builder.classes.count)
            var inClass = Set<Int32>()
            for (signature, members) in kept {
                var grouped: [Wide: [Int32]] = [:]
                for (position, value) in members {
                    grouped[value, default: []].append(position)
                    inClass.insert(position)
                }
                builder.addClass(DispatchClass(windows: signature, members: grouped), chain: id)
            }
            indexed += inClass.count
            var chainSkips = [UInt8](repeating: 0, count: kept.isEmpty ? 0 : ids.count)  // none: nothing proven
            for position in inClass {
                guard let rule = rules[Int(position)] else { continue }
                let rulesOps = ops[Int(rule.opStart)..<Int(rule.opEnd)]
                let proven = Self.units(rulesOps.prefix(Self.keyedPrefix(rulesOps)))
                chainSkips[Int(position)] = proven <= PackedRule.maxProvenUnits ? UInt8(proven) : 0
            }
            skips[Int(id)] = chainSkips
            let residueStart = Int32(builder.residues.count)
            if !kept.isEmpty { builder.residues += (0..<Int32(ids.count)).filter { !inClass.contains($0) } }
            partial[Int(id)] = ChainHeader(offset: 0, chainID: id, ruleStart: 0, ruleCount: Int32(ids.count),
                                           classStart: classStart, classCount: Int32(kept.count), residueStart: residueStart,
                                           residueCount: Int32(builder.residues.count) - residueStart, linear: kept.isEmpty,
                                           policy: chain.base?.policy ?? .accept)
            lowered[Int(id)] = rules
            chains[Int(id)] = CompiledChain(family: chain.family, table: chain.table, name: chain.name, ruleIDs: ids)
        }
        // Offsets first (jumps point at their target's header unit), then the units, chains in jump order.
        let layout = ChainLayout(lowered.map { rules in rules.map { $0?.action } },
                                 roots: snapshot.structure.chains.compactMap { chain in
                                     chain.base == nil ? nil : chainIDs[RulesetIndex.ChainKey(family: chain.family, table: chain.table,
                                                                                              chain: chain.name)]
                                 })
        var offsets = [Int32](repeating: 0, count: lowered.count)
        var running: Int32 = 0
        for id in layout.order {
            let rules = lowered[Int(id)]
            offsets[Int(id)] = running
            if partial[Int(id)] == nil {
                partial[Int(id)] = ChainHeader(offset: 0, chainID: id, ruleStart: 0, ruleCount: 0, classStart: 0, classCount: 0,
                                               residueStart: 0, residueCount: 0, linear: true, policy: .accept)
            }
            running += ChainHeader.units + Int32(rules.count) + rules.reduce(0) { $0 + ($1?.units ?? 0) }
        }
        let spans = layout.spans(offsets: offsets, end: running)
        builder.code.reserveCapacity(Int(running))
        for id in layout.order {
            guard var header = partial[Int(id)] else { continue }
            header.offset = offsets[Int(id)]
            builder.emit(header, lowered[Int(id)], ops: ops, skips: skips[Int(id)], offsets: offsets, spans: spans)
        }
        for single in builder.singles {
            builder.slots[Int(single.slot)].unit = builder.code[Int(offsets[Int(single.chain)] + ChainHeader.units + single.position)]
        }
        self.chains = chains.enumerated().map { index, chain in
            chain ?? CompiledChain(family: .ip, table: "", name: "#\(index)", ruleIDs: [])
        }
        code = builder.code
        chainOffsets = offsets
        actions = builder.actions
        wideTests = builder.wideTests
        classes = builder.classes
        classWindows = builder.classWindows
        slots = builder.slots
        filterWords = builder.filterWords
        ruleLists = builder.ruleLists
        residues = builder.residues
        labels = lowering.labels
        sourceRules = snapshot.rules
        compiledRules = compiled
        interpretedRules = interpreted
        indexedRules = indexed
    }

    /// The exact tests a rule starts with (before any choice or effect), as a class signature and key.
    static func signature(_ ops: ArraySlice<CompiledOp>) -> ([MaskedWindow], Wide)? {
        var windows: [MaskedWindow] = []
        var key = Wide.zero
        var length = 0
        for op in ops {
            guard case .test(let window, let mask, let test, let value, _) = op else { break }
            guard test == .eq, length + Int(window.length) <= 16,
                  !windows.contains(where: { $0.window == window }) else { continue }
            windows.append(MaskedWindow(window: window, mask: mask))
            key.append(value & mask, length: Int(window.length))
            length += Int(window.length)
        }
        return windows.isEmpty ? nil : (windows, key)
    }

    /// The code units ops take (a test with a partial mask or an upper bound takes operand units too).
    static func units(_ ops: some Collection<CompiledOp>) -> Int {
        ops.reduce(0) { count, op in
            guard case .test(let window, let mask, let test, _, _) = op, window.length <= 8 else { return count + 1 }
            return count + 1 + (Builder.fullMask(mask, length: window.length) ? 0 : 1) + (test == .inRange || test == .outOfRange ? 1 : 0)
        }
    }

    /// How many leading ops of a rule its dispatch key proves: the exact tests that formed the key, up to
    /// the first op that is not one of them (and only where the value has no bits outside the mask, so
    /// the key equality is the test).
    static func keyedPrefix(_ ops: ArraySlice<CompiledOp>) -> Int {
        guard let (windows, _) = signature(ops) else { return 0 }
        var seen: [FieldWindow] = []
        var count = 0
        for op in ops {
            guard case .test(let window, let mask, let test, let value, _) = op, test == .eq,
                  windows.contains(MaskedWindow(window: window, mask: mask)), !seen.contains(window),
                  value.hi & ~mask.hi == 0, value.lo & ~mask.lo == 0 else { break }
            seen.append(window)
            count += 1
        }
        return min(count, 255)
    }

    /// The compiled chain of a chain, if the snapshot holds it.
    func chainID(_ chain: Chain) -> Int32? {
        chainIDs[RulesetIndex.ChainKey(family: chain.family, table: chain.table, chain: chain.name)]
    }

    /// A lowered rule (compile-time form): its range of the shared op array and its action.
    struct LoweredRule {
        var opStart: Int32
        var opEnd: Int32
        /// The code units the ops take.
        var units: Int32
        var action: CompiledAction
    }

    /// Packs compile-time ops, actions and classes into the flat runtime arrays.
    private struct Builder {
        var code: [CodeUnit] = []
        var actions: [CompiledAction] = []
        var wideTests: [(mask: Wide, value: Wide, upper: Wide)] = []
        var classes: [ClassHeader] = []
        var classWindows: [MaskedWindow] = []
        var slots: [HashSlot] = []
        /// Single-rule slots, whose rule unit is copied in once the chains are emitted.
        var singles: [(slot: Int32, chain: Int32, position: Int32)] = []
        var filterWords: [UInt64] = []
        var ruleLists: [Int32] = []
        var residues: [Int32] = []

        /// A chain's header units, its rule units, then its ops.
        mutating func emit(_ header: ChainHeader, _ rules: [LoweredRule?], ops: [CompiledOp], skips: [UInt8],
                           offsets: [Int32], spans: [Int32]) {
            precondition(code.count == Int(header.offset))
            code.append(CodeUnit(kind: .chainHeader, test: UInt8(bitPattern: Int8(truncatingIfNeeded: header.policy.rawValue)),
                                 flags: header.linear ? 1 : 0, aux: UInt32(bitPattern: header.chainID),
                                 word: UInt64(UInt32(bitPattern: header.ruleCount)) | UInt64(UInt32(bitPattern: header.classCount)) << 32))
            code.append(CodeUnit(kind: .operand, aux: UInt32(bitPattern: header.residueCount),
                                 word: UInt64(UInt32(bitPattern: header.classStart)) | UInt64(UInt32(bitPattern: header.residueStart)) << 32))
            let firstRule = code.count
            code += Array(repeating: CodeUnit.placeholder, count: rules.count)
            for (position, rule) in rules.enumerated() {
                guard let rule else {
                    code[firstRule + position] = CodeUnit(kind: .rule, test: PackedRule.Kind.fallThrough.rawValue,
                                                          flags: PackedRule.interpreted)
                    continue
                }
                let start = code.count
                for op in ops[Int(rule.opStart)..<Int(rule.opEnd)] { pack(op) }
                precondition(code.count - start == Int(rule.units))
                var kind = PackedRule.Kind.fallThrough
                var word: UInt64 = 0
                var flags: UInt16 = 0
                switch rule.action {
                case .fallThrough: kind = .fallThrough
                case .accept: kind = .accept
                case .drop: kind = .drop
                case .jump(let target), .goto(let target):
                    if case .jump = rule.action { kind = .jump } else { kind = .goto }
                    // The target's header and how many units the target and the chains laid out under it
                    // span, to prefetch them all at once (see `ChainLayout`).
                    word = UInt64(UInt32(bitPattern: offsets[Int(target)])) | UInt64(UInt32(bitPattern: spans[Int(target)])) << 32
                case .missingTarget: kind = .missingTarget
                case .return: kind = .return
                case .nat, .reject, .unfollowable:
                    kind = .other
                    word = UInt64(actions.count)
                    actions.append(rule.action)
                    // An IPv4 NAT mapping goes in the rule unit itself, sparing a read of the side table on
                    // kube-proxy's DNAT rules.
                    if case .nat(let nat) = rule.action, let packed = Self.packNat(nat) {
                        flags |= PackedRule.inlineNat
                        word = packed
                    }
                }
                // How many leading op units a dispatch-key match proves, and how many there are.
                let proven = position < skips.count ? UInt16(skips[position]) : 0
                flags |= proven << 2 | UInt16(rule.units) << 8
                code[firstRule + position] = CodeUnit(kind: .rule, test: kind.rawValue, flags: flags, aux: UInt32(start), word: word)
            }
        }

        /// kind (bits 0-1), has address (2), has port (3), port (16-31), IPv4 address (32-63); nil for IPv6.
        static func packNat(_ nat: NatAction) -> UInt64? {
            let kinds: [NatAction.Kind] = [.dnat, .snat, .masquerade, .redirect]
            guard let kind = kinds.firstIndex(of: nat.kind) else { return nil }
            var word = UInt64(kind)
            switch nat.address {
            case .none: break
            case .v4(let value)?: word |= 4 | UInt64(value) << 32
            case .v6?: return nil
            }
            if let port = nat.port { word |= 8 | UInt64(port) << 16 }
            return word
        }

        /// A mask that keeps every bit of a window of `length` bytes (no mask unit needed).
        static func fullMask(_ mask: Wide, length: UInt8) -> Bool {
            length >= 8 ? mask.lo == UInt64.max : mask.lo & (1 << (8 * UInt64(length)) - 1) == (1 << (8 * UInt64(length)) - 1)
        }

        /// Appends an op's units (see ``CodeUnit``); as many as `CompiledRuleset.units` counts.
        private mutating func pack(_ op: CompiledOp) {
            switch op {
            case .test(let window, let mask, let test, let value, let upper):
                guard window.length <= 8 else {
                    wideTests.append((mask, value, upper))
                    code.append(CodeUnit(kind: .wideTest, test: test.rawValue, window: window, word: UInt64(wideTests.count - 1)))
                    return
                }
                let masked = !Self.fullMask(mask, length: window.length), bounded = test == .inRange || test == .outOfRange
                code.append(CodeUnit(kind: .test, test: test.rawValue, flags: (masked ? 1 : 0) | (bounded ? 2 : 0), window: window,
                                     word: value.lo))
                if masked { code.append(CodeUnit(kind: .operand, word: mask.lo)) }
                if bounded { code.append(CodeUnit(kind: .operand, word: upper.lo)) }
            case .ports(let tcp, let source, let destination, let flagMask, let flagCompare, let invert):
                let ranges = UInt64(source.lowerBound) | UInt64(source.upperBound) << 16
                    | UInt64(destination.lowerBound) << 32 | UInt64(destination.upperBound) << 48
                code.append(CodeUnit(kind: .ports, test: invert, flags: UInt16(flagMask) | UInt16(flagCompare) << 8, aux: tcp ? 1 : 0,
                                     word: ranges))
            case .ctState(let mask, let inverted):
                code.append(CodeUnit(kind: .ctState, test: inverted ? 1 : 0, flags: mask))
            case .destinationLocal(let inverted):
                code.append(CodeUnit(kind: .destinationLocal, test: inverted ? 1 : 0))
            case .choice(let probability, let label):
                code.append(CodeUnit(kind: .choice, aux: UInt32(bitPattern: label), word: probability.bitPattern))
            case .mark(let and, let or, let xor):
                code.append(CodeUnit(kind: .mark, aux: xor, word: UInt64(and) | UInt64(or) << 32))
            }
        }

        /// A class: its windows, an open-addressing table at most half full, and its rule lists.
        mutating func addClass(_ dispatch: DispatchClass, chain: Int32) {
            var capacity = 8
            while capacity < dispatch.members.count * 2 { capacity *= 2 }
            var filterBits = 64
            while filterBits < dispatch.members.count * 8 { filterBits *= 2 }
            let filterStart = filterWords.count
            filterWords += Array(repeating: 0, count: filterBits / 64)
            for key in dispatch.members.keys {
                let bit = Int(truncatingIfNeeded: HashSlot.hash(key) >> 40) & (filterBits - 1)
                filterWords[filterStart + bit >> 6] |= 1 << UInt64(bit & 63)
            }
            let slotStart = slots.count
            slots += Array(repeating: HashSlot.empty, count: capacity)
            for (key, positions) in dispatch.members {
                var index = Int(truncatingIfNeeded: HashSlot.hash(key) >> 32) & (capacity - 1)
                while slots[slotStart + index].end >= 0 { index = (index + 1) & (capacity - 1) }
                if positions.count == 1 {  // the position itself, as an empty range starting there
                    slots[slotStart + index] = HashSlot(hi: key.hi, lo: key.lo, start: positions[0], end: positions[0],
                                                        unit: CodeUnit.placeholder)
                    singles.append((slot: Int32(slotStart + index), chain: chain, position: positions[0]))
                    continue
                }
                let start = Int32(ruleLists.count)
                ruleLists += positions
                slots[slotStart + index] = HashSlot(hi: key.hi, lo: key.lo, start: start, end: Int32(ruleLists.count),
                                                    unit: CodeUnit.placeholder)
            }
            classes.append(ClassHeader(windowStart: Int32(classWindows.count), windowCount: Int32(dispatch.windows.count),
                                       slotStart: Int32(slotStart), slotMask: Int32(capacity - 1),
                                       filterStart: Int32(filterStart), filterMask: Int32(filterBits - 1)))
            classWindows += dispatch.windows
        }
    }
}
