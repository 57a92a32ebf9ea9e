import NFTables

/// nft text for stateful objects and flowtables.
enum ObjectText {
    static func declaration(_ object: StatefulObject) -> String {
        var body: [String] = []
        switch object.content {
        case .counter(let counter): body.append("packets \(counter.packets) bytes \(counter.bytes)")
        case .quota(let quota): body.append(ExpressionText.quotaText(quota))
        case .limit(let limit): body.append(String(ExpressionText.limitText(limit).dropFirst("limit ".count)))
        case .connlimit(let connlimit): body.append("count \(connlimit.flags & 1 != 0 ? "over " : "")\(connlimit.count)")
        case .ctHelper(let name, let l3proto, let l4proto):
            body.append("type \"\(name)\" protocol \(protocolName(l4proto))")
            body.append("l3proto \(l3proto == 10 ? "ip6" : l3proto == 1 ? "inet" : "ip")")
        case .ctTimeout(let l3proto, let l4proto, _):
            body.append("protocol \(protocolName(l4proto))")
            body.append("l3proto \(l3proto == 10 ? "ip6" : "ip")")
        case .raw(let bytes): body.append("# \(bytes.count) bytes of \(object.type) data")
        }
        if let comment = object.comment { body.append("comment \"\(comment)\"") }
        let keyword = object.type == .ctHelper ? "ct helper" : object.type == .ctTimeout ? "ct timeout" : "\(object.type)"
        return "\t\(keyword) \(object.name) {\n" + body.map { "\t\t\($0)\n" }.joined() + "\t}"
    }

    static func declaration(_ flowtable: Flowtable) -> String {
        var text = "\tflowtable \(flowtable.name) {\n"
        text += "\t\thook \(flowtable.hook.name(in: .netdev)) priority "
            + NFTRenderer.priorityName(flowtable.priority, hook: flowtable.hook, family: .netdev) + "\n"
        if !flowtable.devices.isEmpty { text += "\t\tdevices = { " + flowtable.devices.joined(separator: ", ") + " }\n" }
        if flowtable.flags & 1 != 0 { text += "\t\tflags offload\n" }
        if flowtable.flags & 2 != 0 { text += "\t\tcounter\n" }
        return text + "\t}"
    }
}
