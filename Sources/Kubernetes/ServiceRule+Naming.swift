extension ServiceRule {
    /// The service port this rule names, read from its comment (iptables mode: `ns/web:http cluster IP`,
    /// `ns/web:http has no endpoints`, older `ns/web:http: cluster IP`; nftables mode: `ns/web:http`) or,
    /// without a usable comment, from an nftables chain name (`service-ULMVA6XW-ns/web/tcp/http`). `nil`
    /// for rules that capture no single service (the node-ports jump, masquerade rules).
    public var servicePort: ServicePort? {
        if let comment, let parsed = ServiceRule.parseComment(comment) {
            return ServicePort(namespace: parsed.namespace, name: parsed.name, portName: parsed.portName,
                               address: destination, port: port, proto: proto,
                               addressKind: parsed.kind ?? kindFromTarget,
                               hasEndpoints: !parsed.noEndpoints && !targetRejects,
                               chain: parsed.noEndpoints || targetRejects ? nil : target)
        }
        guard let parsed = ServiceRule.parseNFTChain(target) else { return nil }
        return ServicePort(namespace: parsed.namespace, name: parsed.name, portName: parsed.portName,
                           address: destination, port: port, proto: proto, addressKind: kindFromTarget,
                           hasEndpoints: true, chain: target)
    }

    /// Verdicts (and kube-proxy nftables' reject chain) that end a service without endpoints.
    private var targetRejects: Bool {
        ["REJECT", "DROP", "reject", "drop", "reject-chain"].contains(target)
    }

    private var kindFromTarget: ServicePort.AddressKind {
        target.hasPrefix("external-") || target.hasPrefix("KUBE-EXT-") ? .externalIP : .clusterIP
    }

    struct ParsedName {
        var namespace: String
        var name: String
        var portName: String?
        var kind: ServicePort.AddressKind?
        var noEndpoints = false
    }

    /// Reads `ns/name[:port][:] [cluster IP|external IP|loadbalancer IP|has no endpoints]`.
    static func parseComment(_ comment: String) -> ParsedName? {
        var text = Substring(comment)
        var kind: ServicePort.AddressKind?
        var noEndpoints = false
        let suffixes: [(String, ServicePort.AddressKind?)] = [
            (" cluster IP", .clusterIP), (" external IP", .externalIP), (" loadbalancer IP", .loadBalancerIP),
            (" has no endpoints", nil),
        ]
        for (suffix, suffixKind) in suffixes where text.hasSuffix(suffix) {
            text = text.dropLast(suffix.count)
            kind = suffixKind
            noEndpoints = suffixKind == nil
            break
        }
        if text.hasSuffix(":") { text = text.dropLast() }
        guard !text.contains(" "), let slash = text.firstIndex(of: "/") else { return nil }
        let namespace = String(text[..<slash])
        let rest = text[text.index(after: slash)...]
        let name: String, portName: String?
        if let colon = rest.firstIndex(of: ":") {
            name = String(rest[..<colon])
            let port = String(rest[rest.index(after: colon)...])
            portName = port.isEmpty ? nil : port
        } else {
            name = String(rest)
            portName = nil
        }
        guard Target.isDNSLabel(namespace), Target.isObjectName(name) else { return nil }
        if let portName, !Target.isDNSLabel(portName) { return nil }
        return ParsedName(namespace: namespace, name: name, portName: portName, kind: kind, noEndpoints: noEndpoints)
    }

    /// Reads kube-proxy nftables chain names: `service-HASH-ns/name/proto/port`, `external-HASH-…`.
    static func parseNFTChain(_ chain: String) -> ParsedName? {
        guard chain.hasPrefix("service-") || chain.hasPrefix("external-") else { return nil }
        let afterKind = chain.drop { $0 != "-" }.dropFirst()
        let afterHash = afterKind.drop { $0 != "-" }.dropFirst()
        let parts = afterHash.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, TransportProtocol(rawValue: String(parts[2])) != nil else { return nil }
        let namespace = String(parts[0]), name = String(parts[1])
        guard Target.isDNSLabel(namespace), Target.isObjectName(name) else { return nil }
        return ParsedName(namespace: namespace, name: name, portName: parts[3].isEmpty ? nil : String(parts[3]))
    }
}
