import NFTables

/// Header fields of the register file: payload loads named by protocol context, merged loads split back
/// into fields, and the protocol context that `meta l4proto` / `meta nfproto` matches establish.
extension Delinearizer {

    func payloadOperand(_ payload: Expression.Payload, state: inout State) -> Operand {
        let field = payloadField(payload.base, payload.offset, payload.length, state: state)
        if state.collectsProtocols { state.pendingProtocols.append(field.protocolName) }
        return .field(field, loadedLength: Int(payload.length))
    }

    func payloadField(_ base: PayloadBase, _ offset: UInt32, _ length: UInt32, state: State) -> Field {
        let source = Field.Source.payload(base: base, offset: offset, length: length)
        let (protocolName, table): (String, [ProtocolFields.Entry])
        switch base {
        case .linkLayer: (protocolName, table) = ("ether", ProtocolFields.ether)
        case .network:
            let network = family == .ip || family == .ip6 ? family : (state.network ?? family)
            (protocolName, table) = network == .ip6 ? ("ip6", ProtocolFields.ip6) : network == .ip ? ("ip", ProtocolFields.ip) : ("nh", [])
        case .transport: (protocolName, table) = ProtocolFields.transport(state.l4proto)
        default: (protocolName, table) = ("ih", [])
        }
        if let entry = ProtocolFields.lookup(table, offset: offset, length: length) {
            return Field(protocolName: protocolName, name: entry.name, type: entry.type, length: Int(entry.length), source: source)
        }
        let shortBase = base == .linkLayer ? "ll" : base == .network ? "nh" : base == .transport ? "th" : "ih"
        return Field(protocolName: "@\(shortBase)", name: "\(offset * 8),\(length * 8)", type: .hexInteger,
                     length: Int(length), source: source)
    }

    /// nft and iptables-nft merge adjacent header fields into one load (`tcp sport 1 tcp dport 2` is one
    /// 4-byte load at th+0): an equality on such a load splits back into one match per field
    /// (nftables' `payload_match_expand`). `nil` when the statement stays as it is.
    func expandMerged(_ statement: Statement, state: State) -> [Statement]? {
        guard case .match(.field(let field, let loaded), .eq, let value) = statement,
              field.protocolName.hasPrefix("@"), case .payload(let base, let offset, let length) = field.source,
              value.count == Int(length), loaded == Int(length) else { return nil }
        var parts: [Statement] = []
        var cursor = offset
        while cursor < offset + length {
            // Find the known field starting here that fits in what is left.
            var found: Field?
            for size in stride(from: offset + length - cursor, through: 1, by: -1) {
                let field = payloadField(base, cursor, size, state: state)
                if !field.protocolName.hasPrefix("@"), field.length == Int(size) { found = field; break }
            }
            guard let part = found else { return nil }
            let start = Int(cursor - offset)
            parts.append(.match(lhs: .field(part, loadedLength: part.length), op: .eq,
                                value: Array(value[start..<(start + part.length)])))
            cursor += UInt32(part.length)
        }
        return parts.count > 1 ? parts : nil
    }

    /// An equality match on `meta l4proto`, `ip protocol` or `meta nfproto` tells later payloads which
    /// header they read (nftables' protocol context).
    func learnContext(_ lhs: Operand, op: CmpOp, value: [UInt8], state: inout State) {
        guard op == .eq, case .field(let field, _) = lhs else { return }
        switch field.source {
        case .meta(.l4proto): state.l4proto = value.first
        case .payload(.network, 9, 1) where field.protocolName == "ip": state.l4proto = value.first
        case .payload(.network, 6, 1) where field.protocolName == "ip6": state.l4proto = value.first
        case .meta(.nfproto): state.network = value.first == 2 ? .ip : value.first == 10 ? .ip6 : nil
        case .meta(.protocol):
            let type = value.count >= 2 ? UInt16(value[0]) << 8 | UInt16(value[1]) : 0
            state.network = type == 0x0800 ? .ip : type == 0x86dd ? .ip6 : nil
        default: break
        }
    }
}
