/// The version of the JSON objects nfscope prints for flows and events; bumped on incompatible changes.
public let conntrackSchemaVersion = 1

extension Flow {
    /// The flow as one line of JSON (no trailing newline), snake_case keys, with `schema_version`.
    ///
    /// `event` adds an `"event"` key (`new`, `update`, `destroy`) for `watch`; `action` an `"action"` key
    /// (`would_delete`, `deleted`, `already_gone`) for `delete`.
    public func jsonLine(event: String? = nil, action: String? = nil) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(512)
        appendJSONLine(to: &bytes, event: event, action: action)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the same JSON object as UTF-8 bytes, for writers that stream many flows without building
    /// a `String` for each.
    public func appendJSONLine(to bytes: inout [UInt8], event: String? = nil, action: String? = nil) {
        JSONText.write(into: &bytes) { json in
            json.open()
            json.field("schema_version", UInt(conntrackSchemaVersion))
            if let event { json.field("event", event) }
            if let action { json.field("action", action) }
            writeFields(into: &json)
            json.close()
        }
    }

    func writeFields(into json: inout JSONText) {
        json.field("family", family.rawValue)
        json.field("protocol", l4Protocol.name)
        json.field("protocol_number", l4Protocol.rawValue)
        if let protocolState { json.field("state", protocolState.name) }
        json.key("original"); original.writeJSON(into: &json)
        json.key("reply"); reply.writeJSON(into: &json)
        if let master { json.key("master"); master.writeJSON(into: &json) }
        json.key("status"); json.openArray()
        var bits = status.rawValue
        while bits != 0 {
            let bit = bits.trailingZeroBitCount
            json.string(bit < ConntrackStatus.bitNames.count ? ConntrackStatus.bitNames[bit] : "BIT_\(bit)")
            bits &= bits - 1
        }
        json.closeArray()
        json.field("status_bits", status.rawValue)
        json.field("seen_reply", sawReply)
        json.key("nat"); json.openArray()
        for translation in status.isDisjoint(with: [.sourceNAT, .destinationNAT]) ? [] : natTranslations {
            json.open()
            json.field("kind", translation.kind.rawValue.lowercased())
            json.field("from", translation.before.description)
            json.field("to", translation.after.description)
            json.close()
        }
        json.closeArray()
        writeOptionalFields(into: &json)
    }

    private func writeOptionalFields(into json: inout JSONText) {
        if let mark { json.field("mark", mark) }
        if let zone {
            json.key("zone"); json.open()
            json.field("id", zone.id)
            json.field("direction", zone.direction.rawValue)
            json.close()
        }
        if let timeout { json.field("timeout", timeout) }
        if let id { json.field("id", id) }
        if let use { json.field("use", use) }
        if let helper { json.field("helper", helper) }
        if let labels { json.field("labels", labels.hexString) }
        if let secmark { json.field("secmark", secmark) }
        if let securityContext { json.field("security_context", securityContext) }
        if let counters {
            json.key("counters"); json.open()
            json.field("original_packets", counters.originalPackets)
            json.field("original_bytes", counters.originalBytes)
            json.field("reply_packets", counters.replyPackets)
            json.field("reply_bytes", counters.replyBytes)
            json.close()
        }
        if let timestamps {
            json.key("timestamps"); json.open()
            if let start = timestamps.start { json.field("start_ns", start) }
            if let stop = timestamps.stop { json.field("stop_ns", stop) }
            json.close()
        }
        if !otherAttributes.isEmpty {
            json.key("other_attributes"); json.openArray()
            for attribute in otherAttributes {
                json.open()
                json.field("type", attribute.type)
                json.field("bytes", attribute.bytes.hexString)
                json.close()
            }
            json.closeArray()
        }
    }
}

extension Tuple {
    func writeJSON(into json: inout JSONText) {
        json.open()
        json.field("src", address: source)
        json.field("dst", address: destination)
        switch l4 {
        case .ports(_, let sourcePort, let destinationPort):
            json.field("sport", sourcePort)
            json.field("dport", destinationPort)
        case .icmp(_, let type, let code, let id):
            json.field("type", type)
            json.field("code", code)
            json.field("id", id)
        case .other:
            break
        }
        if let zone { json.field("zone", zone) }
        json.close()
    }
}

extension Array where Element == UInt8 {
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count * 2)
        for byte in self {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0xf)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
