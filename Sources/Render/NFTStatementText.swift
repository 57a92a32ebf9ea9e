import NFTables

/// nft syntax for statements, as `nft list ruleset` prints them.
struct NFTStatementText {
    var family: NFTFamily
    /// Resolves a set by name (anonymous sets print inline).
    var set: (String) -> NFTSet?

    func text(_ statement: Statement) -> String {
        switch statement {
        case .match(let lhs, let op, let value): return matchText(lhs, op: op, value: value)
        case .range(let lhs, let op, let from, let to):
            let range = "\(OperandText.value(from, for: lhs))-\(OperandText.value(to, for: lhs))"
            return "\(OperandText.text(lhs, family: family)) \(op == .neq ? "!= " : "")\(range)"
        case .lookup(let lhs, let name, let inverted):
            return "\(OperandText.text(lhs, family: family)) \(inverted ? "!= " : "")\(setReference(name))"
        case .verdictMap(let lhs, let name):
            return "\(OperandText.text(lhs, family: family)) vmap \(setReference(name))"
        case .verdict(let verdict): return verdict.description
        case .counter(let counter): return "counter packets \(counter.packets) bytes \(counter.bytes)"
        case .assign(let target, let value): return "\(target.text) set \(assignedValue(value, type: target.type))"
        case .nat(let nat, let address, let addressMax, let port, let portMax):
            return natText(nat, address: address, addressMax: addressMax, port: port, portMax: portMax)
        case .masquerade(let masq, let port, let portMax):
            return "masquerade" + prefixed(portText(port, portMax)) + natFlags(masq.flags)
        case .redirect(let redir, let port, let portMax):
            return "redirect" + prefixed(portText(port, portMax)) + natFlags(redir.flags)
        case .setUpdate(let dynset, let key, let data):
            var element = OperandText.text(key, family: family)
            if let timeout = dynset.timeout, timeout > 0 { element += " timeout \(duration(timeout))" }
            for expression in dynset.expressions { element += " " + ExpressionText.text(expression, family: family) }
            if let data { element += " : \(OperandText.text(data, family: family))" }
            return "\(dynset.opName) @\(dynset.set) { \(element) }"
        case .queue(let queue, let number):
            var text = "queue"
            var flags: [String] = []
            if queue.flags & 1 != 0 { flags.append("bypass") }
            if queue.flags & 2 != 0 { flags.append("fanout") }
            if !flags.isEmpty { text += " flags " + flags.joined(separator: ",") }
            if let number { return text + " to \(OperandText.text(number, family: family))" }
            if queue.total > 1 { return text + " to \(queue.number)-\(Int(queue.number) + Int(queue.total) - 1)" }
            return text + " to \(queue.number)"
        case .tproxy(let tproxy, let address, let port):
            var text = "tproxy"
            if family == .inet { text += tproxy.family == 10 ? " ip6" : " ip" }
            text += " to"
            if case .immediate(let bytes)? = address {
                text += " " + (tproxy.family == 10 ? "[\(DataType.ipv6Address.format(bytes))]" : DataType.ipv4Address.format(bytes))
            }
            if case .immediate(let bytes)? = port { text += ":\(bigEndian(Array(bytes.prefix(2))))" }
            return text
        case .objectMap(let objref, let key):
            let type = objref.type ?? set(objref.setName ?? "")?.objectType.map(ObjectType.init(rawValue:))
            return "\(type?.description ?? "object") name \(OperandText.text(key, family: family)) map @\(objref.setName ?? "")"
        case .reject(let reject, let network): return ExpressionText.rejectText(reject, family: network, table: family)
        case .plain(let expression, _): return ExpressionText.text(expression, family: family)
        case .undecodable(let reason, let index): return "# nfscope: expression \(index): \(reason)"
        }
    }

    private func matchText(_ lhs: Operand, op: CmpOp, value: [UInt8]) -> String {
        let opText = ["", "!= ", "< ", "<= ", "> ", ">= "].element(Int(op.rawValue)) ?? "?? "
        if case .masked(let inner, let mask, let xor) = lhs, xor.allSatisfy({ $0 == 0 }) {
            let type = inner.type
            if let field = inner.field, let text = HeaderBitFields.text(field, mask: mask, value: value, op: opText) {
                return text
            }
            if let field = inner.field, type == .ipv4Address || type == .ipv6Address,
               let prefix = OperandText.prefixLength(mask) {
                let padded = value + [UInt8](repeating: 0, count: max(0, field.length - value.count))
                return "\(field.text) \(opText)\(type.format(padded))/\(prefix)"
            }
            if [.ctState, .ctStatus, .tcpFlag].contains(type), value.allSatisfy({ $0 == 0 }), op == .neq {
                return "\(OperandText.text(inner, family: family)) \(type.format(mask))"
            }
            if type == .tcpFlag, op == .eq {
                return "\(OperandText.text(inner, family: family)) \(type.format(value)) / \(type.format(mask))"
            }
            let explicit = op == .eq ? "== " : opText
            return "\(OperandText.text(lhs, family: family)) \(explicit)\(OperandText.constant(value, type: type))"
        }
        if case .field(let field, _) = lhs, field.type == .ifname, !value.contains(0) {
            return "\(field.text) \(opText)\"\(cString(value))*\""
        }
        return "\(OperandText.text(lhs, family: family)) \(opText)\(OperandText.value(value, for: lhs))"
    }

    private func assignedValue(_ value: Operand, type: DataType) -> String {
        if case .immediate(let bytes) = value { return type.format(bytes) }
        return OperandText.text(value, family: family)
    }

    /// `@name`, or the inline elements of an anonymous set.
    func setReference(_ name: String) -> String {
        guard let set = set(name), set.isAnonymous else { return "@\(name)" }
        return SetText(set: set).inlineElements()
    }

    private func natText(_ nat: Expression.Nat, address: Operand?, addressMax: Operand?, port: Operand?,
                         portMax: Operand?) -> String {
        var text = nat.isSource ? "snat" : "dnat"
        let addressType: DataType = nat.family == 10 ? .ipv6Address : .ipv4Address
        // nft names the family in inet tables, and for `addr . port` maps in any table (STMT_NAT_F_CONCAT).
        var concatMap = false
        if case .mapped? = address, port == address { concatMap = true }
        if family == .inet || family == .bridge || concatMap { text += nat.family == 10 ? " ip6" : " ip" }
        var target = ""
        switch address {
        case .immediate(let bytes)?:
            let first = addressType.format(bytes)
            target = nat.family == 10 && port != nil ? "[\(first)]" : first
            if case .immediate(let maxBytes)? = addressMax, maxBytes != bytes {
                target += "-" + addressType.format(maxBytes)
            }
        case let operand?:
            target = OperandText.text(operand, family: family)
        case nil: break
        }
        text += " to " + target + (concatMap ? "" : portText(port, portMax))
        return text + natFlags(nat.flags)
    }

    private func portText(_ port: Operand?, _ portMax: Operand?) -> String {
        guard case .immediate(let bytes)? = port else { return "" }
        var text = ":\(bigEndian(Array(bytes.prefix(2))))"
        if case .immediate(let maxBytes)? = portMax, maxBytes != bytes { text += "-\(bigEndian(Array(maxBytes.prefix(2))))" }
        return text
    }

    private func prefixed(_ text: String) -> String { text.isEmpty ? "" : " to " + text }

    /// `NF_NAT_RANGE_*` flags nft prints after the target.
    private func natFlags(_ flags: UInt32) -> String {
        var names: [String] = []
        if flags & 0x4 != 0 { names.append("random") }
        if flags & 0x10 != 0 { names.append("fully-random") }
        if flags & 0x8 != 0 { names.append("persistent") }
        return names.isEmpty ? "" : " " + names.joined(separator: ",")
    }
}

func duration(_ milliseconds: UInt64) -> String {
    var rest = milliseconds
    var text = ""
    for (unit, size) in [("d", UInt64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1_000)] where rest >= size {
        text += "\(rest / size)\(unit)"
        rest %= size
    }
    if rest > 0 || text.isEmpty { text += "\(rest)ms" }
    return text
}

