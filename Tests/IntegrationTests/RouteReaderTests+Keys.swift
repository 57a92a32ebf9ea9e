import Foundation
import NetCore
import Route

/// One line per object with the fields both RouteReader and `ip -j` show, so the two sides compare as sets.
extension RouteReaderTests {
    // MARK: links

    static func key(of link: Link, names: [Int32: String]) -> String {
        var parent = "-"
        if let index = link.parentIndex {
            if index == 0 { parent = "link=NONE" }
            else if link.linkNamespaceID != nil { parent = "link_index=\(index)" }
            else { parent = "link=\(names[index] ?? "if\(index)")" }
        }
        let master = link.masterIndex.map { names[$0] ?? "if\($0)" } ?? "-"
        let vxlan = link.vxlan.map { "vni=\($0.id ?? 0),port=\($0.port ?? 0),local=\($0.local?.description ?? "-")" } ?? "-"
        return [String(link.index), link.name, link.kind?.rawValue ?? "-", link.portKind?.rawValue ?? "-",
                link.flags.names.sorted().joined(separator: ","), link.operationalState.description,
                link.mtu.map(String.init) ?? "-", link.address?.description ?? "-", master, parent,
                link.linkNamespaceID.map(String.init) ?? "-", vxlan, link.alias ?? "-"].joined(separator: "|")
    }

    static func key(ofIPLink json: [String: Any]) -> String {
        var parent = "-"
        if json.keys.contains("link"), !(json["link"] is String) { parent = "link=NONE" }
        if let name = json["link"] as? String { parent = "link=\(name)" }
        if let index = json["link_index"] as? Int { parent = "link_index=\(index)" }
        let info = json["linkinfo"] as? [String: Any]
        let data = info?["info_data"] as? [String: Any]
        var vxlan = "-"
        if info?["info_kind"] as? String == "vxlan" {
            vxlan = "vni=\(data?["id"] as? Int ?? 0),port=\(data?["port"] as? Int ?? 0),local=\(data?["local"] as? String ?? "-")"
        }
        // ip adds NO-CARRIER (UP without RUNNING); it is not a kernel flag bit.
        let flags = (json["flags"] as? [String] ?? []).filter { $0 != "NO-CARRIER" }.sorted()
        return [String(json["ifindex"] as? Int ?? -1), json["ifname"] as? String ?? "?", info?["info_kind"] as? String ?? "-",
                info?["info_slave_kind"] as? String ?? "-", flags.joined(separator: ","), json["operstate"] as? String ?? "-",
                (json["mtu"] as? Int).map(String.init) ?? "-", json["address"] as? String ?? "-",
                json["master"] as? String ?? "-", parent, (json["link_netnsid"] as? Int).map(String.init) ?? "-",
                vxlan, json["ifalias"] as? String ?? "-"].joined(separator: "|")
    }

    // MARK: addresses

    static func key(of address: InterfaceAddress) -> String {
        [String(address.interfaceIndex), address.family == .ipv4 ? "inet" : "inet6", address.prefix.description,
         address.scope.description, address.broadcast?.description ?? "-", address.label ?? "-",
         address.flags.contains(.noDAD) ? "nodad" : "-"].joined(separator: "|")
    }

    static func key(ofIPAddress info: [String: Any], index: Int) -> String {
        let scope: String = (info["scope"] as? String) ?? (info["scope"] as? Int).map(String.init) ?? "-"
        return [String(index), info["family"] as? String ?? "?",
                "\(info["local"] as? String ?? "?")/\(info["prefixlen"] as? Int ?? -1)", scope,
                info["broadcast"] as? String ?? "-", info["label"] as? String ?? "-",
                info["nodad"] as? Bool == true ? "nodad" : "-"].joined(separator: "|")
    }

    // MARK: routes

    static func key(of route: Route, names: [Int32: String]) -> String {
        let hops = route.nexthops.map { hop in
            "\(hop.gateway?.description ?? "-")@\(names[hop.interfaceIndex] ?? "?")*\(hop.weight)\(hop.flags.names.sorted())"
        }
        let preferenceNames: [UInt8: String] = [0: "medium", 1: "high", 3: "low"]
        let preference: String = route.preference.map { preferenceNames[$0] ?? String($0) } ?? "-"
        return [route.family.rawValue, String(route.table.rawValue), route.type.description, route.destination.description,
                route.gateway?.description ?? "-", route.outputInterface.map { names[$0] ?? "?" } ?? "-",
                route.priority.map(String.init) ?? "-", route.protocol.description, route.scope.description,
                route.preferredSource?.description ?? "-", route.flags.names.sorted().description,
                preference,
                hops.joined(separator: ",")].joined(separator: "|")
    }

    static func key(ofIPRoute json: [String: Any], family: IPFamily) -> String {
        let tableNames = ["local": "255", "main": "254", "default": "253"]
        let table = json["table"] as? String ?? "main"
        let destinationText = json["dst"] as? String ?? "default"
        let destination = destinationText == "default"
            ? (family == .ipv4 ? "0.0.0.0/0" : "::/0")
            : IPPrefix(destinationText)?.description ?? "unparsed \(destinationText)"
        let hops = (json["nexthops"] as? [[String: Any]] ?? []).map { hop in
            "\(hop["gateway"] as? String ?? "-")@\(hop["dev"] as? String ?? "?")*\(hop["weight"] as? Int ?? 1)\((hop["flags"] as? [String] ?? []).sorted())"
        }
        return [family.rawValue, tableNames[table] ?? table, json["type"] as? String ?? "unicast", destination,
                json["gateway"] as? String ?? "-", json["dev"] as? String ?? "-",
                (json["metric"] as? Int).map(String.init) ?? "-", json["protocol"] as? String ?? "boot",
                json["scope"] as? String ?? "global", json["prefsrc"] as? String ?? "-",
                (json["flags"] as? [String] ?? []).sorted().description, json["pref"] as? String ?? "-",
                hops.joined(separator: ",")].joined(separator: "|")
    }

    // MARK: rules

    static func key(of rule: PolicyRule) -> String {
        func selector(_ prefix: IPPrefix?) -> String {
            guard let prefix else { return "all" }
            return prefix.length == prefix.address.family.bitWidth ? prefix.address.description : prefix.description
        }
        var outcome: String
        switch rule.action {
        case .toTable: outcome = "table=\(rule.table)"
        case .goto: outcome = "goto=\(rule.gotoTarget.map(String.init) ?? "?")"
        default: outcome = "action=\(rule.action)"
        }
        let mark = rule.fwmark.map { "0x" + String($0, radix: 16) } ?? "-"
        let mask = rule.fwmask.flatMap { $0 == .max ? nil : "0x" + String($0, radix: 16) } ?? "-"
        func ports(_ range: ClosedRange<UInt16>?) -> String {
            guard let range else { return "-" }
            return range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound)-\(range.upperBound)"
        }
        return [rule.family.rawValue, String(rule.priority), rule.isInverted ? "not" : "-", selector(rule.source),
                rule.destination.map { selector($0) } ?? "-", rule.inputInterface ?? "-", rule.outputInterface ?? "-",
                mark, mask, rule.tos == 0 ? "-" : "0x" + String(rule.tos, radix: 16),
                rule.ipProtocol.map { String($0) } ?? "-", ports(rule.sourcePorts), ports(rule.destinationPorts),
                rule.uidRange.map { "\($0.lowerBound)-\($0.upperBound)" } ?? "-",
                rule.suppressPrefixLength.map(String.init) ?? "-", outcome].joined(separator: "|")
    }

    static func key(ofIPRule json: [String: Any], family: IPFamily) -> String {
        func selector(_ address: String?, _ length: Int?) -> String? {
            guard let address else { return nil }
            return length.map { "\(address)/\($0)" } ?? address
        }
        var outcome = "table=\(json["table"] as? String ?? "?")"
        if let target = json["goto"] as? Int { outcome = "goto=\(target)" }
        if let action = json["action"] as? String { outcome = "action=\(action)" }
        func ports(_ name: String) -> String {
            if let single = json[name] as? Int { return "\(single)" }
            guard let start = json["\(name)_start"] as? Int, let end = json["\(name)_end"] as? Int else { return "-" }
            return "\(start)-\(end)"
        }
        // ip names the protocol through /etc/protocols; the lab uses only these.
        let protocols = ["tcp": "6", "udp": "17", "icmp": "1", "sctp": "132"]
        let ipProtocol = (json["ipproto"] as? String).map { protocols[$0] ?? $0 } ?? "-"
        var uids = "-"
        if let start = json["uid_start"] as? Int, let end = json["uid_end"] as? Int { uids = "\(start)-\(end)" }
        return [family.rawValue, String(json["priority"] as? Int ?? -1), json.keys.contains("not") ? "not" : "-",
                selector(json["src"] as? String, json["srclen"] as? Int) ?? "all",
                selector(json["dst"] as? String, json["dstlen"] as? Int) ?? "-", json["iif"] as? String ?? "-",
                json["oif"] as? String ?? "-", json["fwmark"] as? String ?? "-", json["fwmask"] as? String ?? "-",
                json["tos"] as? String ?? "-", ipProtocol, ports("sport"), ports("dport"), uids,
                (json["suppress_prefixlen"] as? Int).map(String.init) ?? "-", outcome].joined(separator: "|")
    }

    // MARK: neighbours

    static func key(of neighbour: Neighbour, names: [Int32: String]) -> String {
        [neighbour.address.description, names[neighbour.interfaceIndex] ?? "?",
         neighbour.linkLayerAddress?.description ?? "-", neighbour.state.names.joined(separator: ",")].joined(separator: "|")
    }

    static func key(ofIPNeighbour json: [String: Any]) -> String {
        [json["dst"] as? String ?? "?", json["dev"] as? String ?? "?", json["lladdr"] as? String ?? "-",
         (json["state"] as? [String] ?? []).joined(separator: ",")].joined(separator: "|")
    }
}
