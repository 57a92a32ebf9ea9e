import NFTables

/// nft text for sets and maps: declarations and elements, with intervals decomposed as nft does
/// (`interval_map_decompose`), elements sorted (`list_expr_sort`) and wrapped per key type.
struct SetText {
    var set: NFTSet
    /// The datatypes elements print in: the kernel's key type ids, except that a `typeof` declaration says
    /// which plain integers are in network order or raw loads (nft prints elements in the typeof
    /// expression's datatype).
    let keyTypes: [DataType]
    let dataTypes: [DataType]?
    /// The `typeof` line, when nft 1.0.6 would print one.
    let typeofLine: String?

    init(set: NFTSet) {
        self.set = set
        var keyTypes = DataType.concatenation(set.keyType)
        var dataTypes: [DataType]? = set.dataType.map { $0 == 0xffff_ff00 ? [.verdict] : DataType.concatenation($0) }
        let described = SetText.typeof(set)
        if let described {
            keyTypes = SetText.refined(keyTypes, by: described.key)
            if let data = described.data, let types = dataTypes { dataTypes = SetText.refined(types, by: data) }
        }
        self.keyTypes = keyTypes
        self.dataTypes = dataTypes
        if let described {
            var text = "typeof " + described.key.text
            if let data = described.data { text += " : " + (set.hasIntervalData ? "interval " : "") + data.text }
            if let objectType = set.objectType, set.flags.contains(.object) { text += " : \(ObjectType(rawValue: objectType))" }
            typeofLine = text
        } else {
            typeofLine = nil
        }
    }

    /// The key's and (for maps) the data's typeof descriptions, when nft 1.0.6 uses them: both decode, name
    /// fields nft knows and have the kernel's lengths (`set_udata_key_valid`); a map whose data description
    /// fails loses its key's too (so interval data, twice as long in the kernel, always print as `type`).
    static func typeof(_ set: NFTSet) -> (key: TypeofText, data: TypeofText?)? {
        guard let keyExpression = set.keyTypeof, let key = TypeofText(keyExpression, family: set.family),
              key.byteLength == Int(set.keyLength) else { return nil }
        guard let dataType = set.dataType, set.flags.contains(.map) else { return (key, nil) }
        guard let dataExpression = set.dataTypeof, let data = TypeofText(dataExpression, family: set.family) else { return nil }
        if dataType == 0xffff_ff00 {
            guard dataExpression == .verdict else { return nil }
        } else {
            guard dataExpression != .verdict, data.byteLength == Int(set.dataLength ?? 0) else { return nil }
        }
        return (key, data)
    }

    /// Kernel types refined by a typeof description: plain integers take the description's byte order.
    private static func refined(_ types: [DataType], by description: TypeofText) -> [DataType] {
        guard types.count == description.parts.count else { return types }
        return zip(types, description.parts).map { kernel, part in
            kernel == .integer && (part.type == .networkInteger || part.type == .hexInteger) ? part.type : kernel
        }
    }

    /// `type ipv4_addr . inet_service : verdict`, or `typeof ip saddr . tcp dport : verdict` when nft kept the
    /// declaring expressions in userdata (nft's `set_print_key_and_data`).
    var typeLine: String {
        if let typeofLine { return typeofLine }
        var text = "type " + keyTypes.map(\.name).joined(separator: " . ")
        if let dataTypes { text += " : " + (self.set.hasIntervalData ? "interval " : "") + dataTypes.map(\.name).joined(separator: " . ") }
        if let objectType = self.set.objectType, self.set.flags.contains(.object) { text += " : \(ObjectType(rawValue: objectType))" }
        return text
    }

    /// The declaration inside a table, indented by one tab.
    func declaration() -> String {
        let kind = self.set.flags.contains(.map) || self.set.flags.contains(.object) ? "map" : "set"
        var lines = ["\t\(kind) \(self.set.name) {", "\t\t\(typeLine)"]
        if let size = self.set.size, size > 0 { lines.append("\t\tsize \(size)") }
        var flags: [String] = []
        if self.set.flags.contains(.constant) { flags.append("constant") }
        if self.set.flags.contains(.eval) { flags.append("dynamic") }
        if self.set.flags.contains(.interval) { flags.append("interval") }
        // nft 1.0.6 leaves `timeout` out of the flags when the set has a default timeout and is not dynamic.
        if self.set.flags.contains(.timeout), (self.set.timeout ?? 0) == 0 || self.set.flags.contains(.eval) {
            flags.append("timeout")
        }
        if !flags.isEmpty { lines.append("\t\tflags " + flags.joined(separator: ",")) }
        if let timeout = self.set.timeout, timeout > 0 { lines.append("\t\ttimeout \(duration(timeout))") }
        if let gc = self.set.gcInterval, gc > 0, self.set.flags.contains(.timeout), gc != 1000 { lines.append("\t\tgc-interval \(duration(UInt64(gc)))") }
        if self.set.policy == 1 { lines.append("\t\tpolicy memory") }
        // Set-level expressions are templates: nft names them without their (zero) state.
        for expression in self.set.expressions {
            if case .counter = expression { lines.append("\t\tcounter"); continue }
            lines.append("\t\t" + ExpressionText.text(expression, family: self.set.family))
        }
        if let comment = self.set.comment { lines.append("\t\tcomment \"\(comment)\"") }
        let elements = elementTexts()
        if !elements.isEmpty { lines.append("\t\telements = " + wrapped(elements)) }
        lines.append("\t}")
        return lines.joined(separator: "\n")
    }

    /// `{ a, b }` for anonymous sets and maps used inline in a rule.
    func inlineElements() -> String {
        "{ " + elementTexts().joined(separator: ", ") + " }"
    }

    /// nft's `calculate_delim`: a few small values per line, one address pair, otherwise one per line.
    private func wrapped(_ elements: [String]) -> String {
        var perLine = 1
        if keyTypes.count == 1 {
            switch keyTypes[0] {
            case .nfproto, .integer, .networkInteger, .hexInteger, .inetProtocol, .inetService, .tcpFlag, .mark, .ifindex, .uid, .gid, .ctDirection:
                perLine = 5
            case .ipv4Address, .ctState, .ctStatus, .pktType: perLine = 2
            default: perLine = 1
            }
        }
        var text = "{ "
        for (index, element) in elements.enumerated() {
            if index > 0 { text += index % perLine == 0 ? ",\n\t\t\t     " : ", " }
            text += element
        }
        return text + " }"
    }

    // MARK: - Elements

    func elementTexts() -> [String] {
        let elements = self.set.elements.filter { !$0.isCatchAll }
        var texts: [String]
        if self.set.flags.contains(.interval), keyTypes.count == 1 {
            texts = decomposedIntervals(elements)
        } else {
            // Concatenated intervals (pipapo) print in kernel order; other sets sorted as nft sorts them.
            let ordered = keyTypes.count > 1 && self.set.flags.contains(.interval)
                ? elements : elements.sorted { sortKey($0.key) < sortKey($1.key) }
            texts = ordered.map { element in
                var text = keyText(element.key, end: element.keyEnd)
                text += extras(element)
                return text
            }
        }
        if let catchAll = self.set.elements.first(where: \.isCatchAll) { texts.append("*" + extras(catchAll)) }
        return texts
    }

    private func extras(_ element: SetElement) -> String {
        var text = ""
        if let timeout = element.timeout, timeout > 0, timeout != self.set.timeout { text += " timeout \(duration(timeout))" }
        if let expiration = element.expiration, expiration > 0 { text += " expires \(duration(expiration))" }
        for expression in element.expressions { text += " " + ExpressionText.text(expression, family: self.set.family) }
        if let comment = element.comment { text += " comment \"\(comment)\"" }
        if let data = element.data { text += " : " + dataText(data) }
        if let object = element.objectReference { text += " : \"\(object)\"" }
        return text
    }

    private func dataText(_ data: NFTData) -> String {
        switch data {
        case .verdict(let verdict): return verdict.description
        case .value(let bytes):
            // Interval data (`: interval ipv4_addr`) hold the first and the last value of the range.
            if self.set.hasIntervalData, let types = dataTypes, types.count == 1, bytes.count % 2 == 0, !bytes.isEmpty {
                let half = bytes.count / 2
                return rangeText(types[0], Array(bytes[..<half]), Array(bytes[half...]))
            }
            return fieldsText(bytes, types: dataTypes ?? [.integer], lengths: nil)
        }
    }

    private func keyText(_ key: [UInt8], end: [UInt8]?) -> String {
        guard let end, end != key else { return fieldsText(key, types: keyTypes, lengths: fieldLengths) }
        let starts = split(key, types: keyTypes, lengths: fieldLengths)
        let ends = split(end, types: keyTypes, lengths: fieldLengths)
        return zip(keyTypes, zip(starts, ends)).map { type, pair in
            rangeText(type, pair.0, pair.1)
        }.joined(separator: " . ")
    }

    private var fieldLengths: [Int]? {
        self.set.concatFieldLengths.isEmpty ? nil : self.set.concatFieldLengths.map { Int($0) }
    }

    func fieldsText(_ bytes: [UInt8], types: [DataType], lengths: [Int]?) -> String {
        zip(types, split(bytes, types: types, lengths: lengths)).map { $0.format($1) }.joined(separator: " . ")
    }

    /// Splits concatenated bytes into fields, each padded to 32-bit registers.
    private func split(_ bytes: [UInt8], types: [DataType], lengths: [Int]?) -> [[UInt8]] {
        if types.count == 1 { return [bytes] }
        var parts: [[UInt8]] = []
        var offset = 0
        for (index, type) in types.enumerated() {
            let length = lengths?.element(index) ?? type.fixedLength ?? 4
            let end = min(bytes.count, offset + length)
            parts.append(offset < end ? Array(bytes[offset..<end]) : [])
            offset += (length + 3) & ~3
        }
        return parts
    }

    private func rangeText(_ type: DataType, _ start: [UInt8], _ end: [UInt8]) -> String {
        if start == end { return type.format(start) }
        if type == .ipv4Address || type == .ipv6Address, let prefix = prefixLength(start, end) {
            return "\(type.format(start))/\(prefix)"
        }
        return "\(type.format(start))-\(type.format(end))"
    }

    /// The prefix length when [start, end] is exactly one CIDR block.
    private func prefixLength(_ start: [UInt8], _ end: [UInt8]) -> Int? {
        guard start.count == end.count else { return nil }
        let mask = zip(start, end).map { ~($0 ^ $1) }
        guard let prefix = OperandText.prefixLength(mask) else { return nil }
        for (index, byte) in start.enumerated() {
            let keep = mask[index]
            if byte & ~keep != 0 || end[index] | keep != 0xff { return nil }
        }
        return prefix
    }

    /// Interval sets hold a start element and an end element (exclusive, flagged INTERVAL_END) per range.
    private func decomposedIntervals(_ elements: [SetElement]) -> [String] {
        let type = keyTypes[0]
        let sorted = elements.sorted { sortKey($0.key) < sortKey($1.key) }
        var texts: [String] = []
        var index = 0
        while index < sorted.count {
            let element = sorted[index]
            index += 1
            if element.isIntervalEnd { continue }
            var last = [UInt8](repeating: 0xff, count: element.key.count)
            if index < sorted.count, sorted[index].isIntervalEnd {
                last = decrement(sorted[index].key, bigEndian: type.isBigEndian)
                index += 1
            }
            var text = rangeText(type, element.key, last)
            text += extras(element)
            texts.append(text)
        }
        return texts
    }

    private func decrement(_ bytes: [UInt8], bigEndian: Bool) -> [UInt8] {
        var result = bytes
        let order = bigEndian ? Array(result.indices.reversed()) : Array(result.indices)
        for position in order {
            if result[position] > 0 {
                result[position] -= 1
                return result
            }
            result[position] = 0xff
        }
        return result
    }

    /// The order nft prints elements in (`list_expr_sort`): single keys compare as numbers in their
    /// datatype's byte order; a concatenated key compares as one number read little-endian over all its
    /// register bytes, padding included (nft sorts it before splitting it into fields), so the last field
    /// weighs most. Strings (`ifname`) are host-order numbers too: `"lo"` sorts before `"eth0"`.
    private func sortKey(_ key: [UInt8]) -> [UInt8] {
        if keyTypes.count > 1 { return key.reversed() }
        let parts = split(key, types: keyTypes, lengths: fieldLengths)
        return zip(keyTypes, parts).flatMap { type, bytes in
            type.isBigEndian ? bytes : bytes.reversed()
        }
    }
}

extension Array where Element == UInt8 {
    static func < (lhs: [UInt8], rhs: [UInt8]) -> Bool { lhs.lexicographicallyPrecedes(rhs) }
}
