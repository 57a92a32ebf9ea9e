import NFTables

/// Turns a rule's expressions back into statements: a register file records what each 32-bit slot holds
/// (payload, meta key, ct key, immediate, bitwise), comparisons consult it, and a clean-up pass drops the
/// implicit protocol dependencies and merges ranges (nftables' `netlink_delinearize.c`, iptables'
/// `nft-ruleparse.c`). Unknown shapes become `.undecodable`, never a crash.
public struct Delinearizer {
    public var family: NFTFamily
    /// Resolves sets by name: key lengths tell how many registers a concatenated key spans, data lengths
    /// how many a map lookup fills.
    public var set: (String) -> NFTSet?

    public init(family: NFTFamily, set: @escaping (String) -> NFTSet?) {
        self.family = family
        self.set = set
    }

    func setKeyLength(_ name: String) -> Int? { set(name).map { Int($0.keyLength) } }

    /// The statements of one rule, dependencies removed.
    public func statements(_ expressions: [Expression], removingDependencies: Bool = true) -> [Statement] {
        indexedStatements(expressions, removingDependencies: removingDependencies).map(\.statement)
    }

    /// The statements with the index of the expression that completed each (the `cmp` of a match, the
    /// `immediate` of a verdict), so that a caller can point at the expression behind a statement.
    public func indexedStatements(_ expressions: [Expression],
                                  removingDependencies: Bool = true) -> [(statement: Statement, expressionIndex: Int)] {
        var state = State(family: family)
        // Only dependency removal reads the protocols: without it (iptables' reading) none are collected,
        // which spares an array per payload load.
        state.collectsProtocols = removingDependencies
        var statements: [PostPass.Item] = []
        statements.reserveCapacity(expressions.count)
        for (index, expression) in expressions.enumerated() {
            if let statement = step(expression, index: index, state: &state) {
                // Most statements are not merged loads: no array for them (this runs for every rule).
                if let parts = expandMerged(statement, state: state) {
                    for part in parts {
                        statements.append(PostPass.Item(statement: part, protocols: state.pendingProtocols, index: index))
                    }
                } else {
                    statements.append(PostPass.Item(statement: statement, protocols: state.pendingProtocols, index: index))
                }
                if !state.pendingProtocols.isEmpty { state.pendingProtocols = [] }
            }
        }
        return PostPass.run(statements, family: family, removingDependencies: removingDependencies)
    }

    struct State {
        var family: NFTFamily
        /// The 16 32-bit register slots (`NFT_REG32_00`…`15`); `NFT_REG_1`…`4` name slots 0, 4, 8, 12.
        var registers = Registers()
        /// Transport protocol known from an earlier `meta l4proto` / `ip protocol` match.
        var l4proto: UInt8?
        /// Network protocol in inet/bridge/netdev tables, from `meta nfproto` / `meta protocol`.
        var network: NFTFamily?
        /// Protocols of the header fields loaded since the last statement (`ip`, `tcp`), which tell the
        /// clean-up pass what the next statement depends on, also when a hash or set key hides them.
        var pendingProtocols: [String] = []
        var collectsProtocols = true
    }

    private func step(_ expression: Expression, index: Int, state: inout State) -> Statement? {
        switch expression {
        case .payload(let payload):
            switch payload.operation {
            case .load(let destination):
                store(destination, payloadOperand(payload, state: &state), state: &state)
                return nil
            case .write(let source, _, _, _):
                let field = payloadField(payload.base, payload.offset, payload.length, state: state)
                return .assign(target: field, value: load(source, length: Int(payload.length), state: state))
            }
        case .meta(let meta):
            switch meta.operation {
            case .load(let destination):
                let field = Field.meta(meta.key)
                store(destination, .field(field, loadedLength: field.length), state: &state)
                return nil
            case .set(let source):
                return .assign(target: Field.meta(meta.key), value: load(source, length: 4, state: state))
            }
        case .ct(let ct):
            let field = Field.ct(ct.key, direction: ct.direction, family: state.network ?? family)
            switch ct.operation {
            case .load(let destination):
                store(destination, .field(field, loadedLength: field.length), state: &state)
                return nil
            case .set(let source): return .assign(target: field, value: load(source, length: 4, state: state))
            }
        case .immediate(let immediate):
            if case .verdict(let verdict) = immediate.data { return .verdict(verdict) }
            store(immediate.destination, .immediate(immediate.data.bytes ?? []), state: &state)
            return nil
        case .bitwise(let bitwise):
            guard let source = operand(at: bitwise.source, state: state) else {
                return .undecodable(reason: "bitwise on an empty register", expressionIndex: index)
            }
            switch bitwise.operation {
            case .maskXor(let mask, let xor): store(bitwise.destination, .masked(source, mask: mask, xor: xor), state: &state)
            default: return .undecodable(reason: "bitwise shift", expressionIndex: index)
            }
            return nil
        case .cmp(let cmp):
            guard let lhs = operand(at: cmp.source, length: cmp.data.count, state: state) else {
                return .undecodable(reason: "cmp on an empty register", expressionIndex: index)
            }
            learnContext(lhs, op: cmp.op, value: cmp.data, state: &state)
            return .match(lhs: lhs, op: cmp.op, value: cmp.data)
        case .range(let range):
            guard let lhs = operand(at: range.source, state: state) else {
                return .undecodable(reason: "range on an empty register", expressionIndex: index)
            }
            return .range(lhs: lhs, op: range.op, from: range.from, to: range.to)
        case .lookup(let lookup):
            let length = setKeyLength(lookup.set) ?? 4
            guard let lhs = operand(at: lookup.source, length: length, state: state) else {
                return .undecodable(reason: "lookup on an empty register", expressionIndex: index)
            }
            if let destination = lookup.destination {
                if destination == .verdict { return .verdictMap(lhs: lhs, set: lookup.set) }
                // A map's data may span registers (`addr . port`): every slot it fills holds the lookup.
                let dataLength = set(lookup.set).flatMap(\.dataLength).map(Int.init) ?? 4
                if let slot = destination.slot {
                    for offset in 0..<max(1, (dataLength + 3) / 4) {
                        state.registers[slot + offset] = .mapped(key: lhs, set: lookup.set)
                    }
                }
                return nil
            }
            return .lookup(lhs: lhs, set: lookup.set, inverted: lookup.isInverted)
        case .nat(let nat):
            return .nat(nat, address: nat.addressMin.flatMap { operand(at: $0, state: state) },
                        addressMax: nat.addressMax.flatMap { operand(at: $0, state: state) },
                        port: nat.protoMin.flatMap { operand(at: $0, state: state) },
                        portMax: nat.protoMax.flatMap { operand(at: $0, state: state) })
        case .masq(let masq):
            return .masquerade(masq, port: masq.protoMin.flatMap { operand(at: $0, state: state) },
                               portMax: masq.protoMax.flatMap { operand(at: $0, state: state) })
        case .redir(let redir):
            return .redirect(redir, port: redir.protoMin.flatMap { operand(at: $0, state: state) },
                             portMax: redir.protoMax.flatMap { operand(at: $0, state: state) })
        case .counter(let counter): return .counter(counter)
        case .numgen(let numgen):
            let text = "numgen \(numgen.typeName) mod \(numgen.modulus)" + (numgen.offset != 0 ? " offset \(numgen.offset)" : "")
            store(numgen.destination, .generator(text: text, type: .integer, length: 4), state: &state)
            return nil
        case .hash(let hash):
            let key = hash.source.flatMap { operand(at: $0, length: Int(hash.length), state: state) }
            var text = hash.type == 1 ? "symhash" : "jhash \(key.map { OperandText.text($0, family: family) } ?? "?")"
            text += " mod \(hash.modulus)"
            if hash.type != 1, hash.seed != 0 { text += " seed 0x\(String(hash.seed, radix: 16))" }
            if hash.offset != 0 { text += " offset \(hash.offset)" }
            store(hash.destination, .generator(text: text, type: .integer, length: 4), state: &state)
            return nil
        case .fib(let fib):
            let type: DataType = fib.result == 3 ? .fibAddressType : fib.result == 2 ? .ifname : .ifindex
            let text = "fib \(fib.flagNames.joined(separator: " . ")) \(fib.resultName)"
            store(fib.destination, .generator(text: text, type: fib.flags & 0x20 != 0 ? .boolean : type,
                                              length: fib.result == 2 ? 16 : 4), state: &state)
            return nil
        case .socket(let socket):
            let type: DataType = socket.key == 1 ? .mark : .integer
            store(socket.destination, .generator(text: "socket \(socket.keyName)", type: type, length: 4), state: &state)
            return nil
        case .rt(let rt):
            let (text, type): (String, DataType) = rt.key == 1 ? ("rt ip nexthop", .ipv4Address)
                : rt.key == 2 ? ("rt ip6 nexthop", .ipv6Address) : rt.key == 3 ? ("rt mtu", .integer)
                : rt.key == 4 ? ("rt ipsec", .boolean) : ("rt \(rt.keyName)", .integer)
            store(rt.destination, .generator(text: text, type: type, length: rt.key == 2 ? 16 : 4), state: &state)
            return nil
        case .exthdr(let exthdr):
            guard let destination = exthdr.destination else { return .plain(expression, index: index) }
            let text = ExtensionHeaderNames.text(exthdr)
            store(destination, .generator(text: text, type: exthdr.flags & 1 != 0 ? .boolean : .networkInteger,
                                          length: Int(exthdr.length)), state: &state)
            return nil
        case .dynset(let dynset):
            let length = setKeyLength(dynset.set) ?? 4
            guard let key = operand(at: dynset.keySource, length: length, state: state) else {
                return .undecodable(reason: "dynset on an empty register", expressionIndex: index)
            }
            return .setUpdate(dynset, key: key, data: dynset.dataSource.flatMap { operand(at: $0, state: state) })
        case .reject(let reject):
            return .reject(reject, network: family == .ip || family == .ip6 ? family : (state.network ?? family))
        case .queue(let queue):
            return .queue(queue, number: queue.numberSource.flatMap { operand(at: $0, state: state) })
        case .tproxy(let tproxy):
            return .tproxy(tproxy, address: tproxy.address.flatMap { operand(at: $0, state: state) },
                           port: tproxy.port.flatMap { operand(at: $0, state: state) })
        case .objref(let objref):
            if let source = objref.setSource, let key = operand(at: source, state: state) {
                return .objectMap(objref, key: key)
            }
            return .plain(expression, index: index)
        case .byteorder(let byteorder):
            // Byte order conversions keep the operand's meaning for printing purposes.
            if let source = operand(at: byteorder.source, state: state) { store(byteorder.destination, source, state: &state) }
            return nil
        default:
            return .plain(expression, index: index)
        }
    }

    // MARK: - Registers

    /// The 16 register slots, allocated up to the highest slot a rule writes (most rules use the first
    /// only): filling an inline array of 16 optional operands for every rule cost more than this one small
    /// allocation (1,600 instructions a rule).
    struct Registers {
        private static let count = 16
        private var slots: [Operand?] = []

        subscript(slot: Int) -> Operand? {
            get { slot >= 0 && slot < slots.count ? slots[slot] : nil }
            set {
                guard slot >= 0, slot < Self.count else { return }
                if slot >= slots.count {
                    guard newValue != nil else { return }
                    slots.append(contentsOf: repeatElement(nil, count: slot + 1 - slots.count))
                }
                slots[slot] = newValue
            }
        }
    }

    private func store(_ register: Register, _ operand: Operand, state: inout State) {
        guard let slot = register.slot else { return }
        state.registers[slot] = operand
    }

    /// The operand at a register; with a length spanning more than the first operand, the concatenation
    /// of consecutive operands (each field takes whole 32-bit slots).
    private func operand(at register: Register, length: Int? = nil, state: State) -> Operand? {
        guard let slot = register.slot, let first = state.registers[slot] else { return nil }
        let firstLength = operandLength(first)
        guard let length, length > roundUp(firstLength), firstLength > 0 else { return first }
        var parts: [Operand] = []
        var cursor = slot
        var consumed = 0
        while consumed < length, let part = state.registers[cursor] {
            parts.append(part)
            let size = roundUp(max(1, operandLength(part)))
            consumed += size
            cursor += size / 4
        }
        return parts.count == 1 ? parts[0] : .concat(parts)
    }

    private func load(_ register: Register, length: Int, state: State) -> Operand {
        operand(at: register, state: state) ?? .immediate([])
    }

    private func operandLength(_ operand: Operand) -> Int {
        switch operand {
        case .field(_, let loaded): return loaded
        case .masked(let inner, _, _): return operandLength(inner)
        case .immediate(let bytes): return bytes.count
        case .concat(let parts): return parts.reduce(0) { $0 + roundUp(operandLength($1)) }
        case .generator(_, _, let length): return length
        case .mapped: return 4
        }
    }

    private func roundUp(_ length: Int) -> Int { (length + 3) & ~3 }
}
