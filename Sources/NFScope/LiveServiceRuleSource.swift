import Kubernetes
import Legacy
import NetCore
import NetNS
import Netlink
import NFTables
import Render

/// kube-proxy's service-capturing rules of one live namespace (the node's), read over netlink and
/// getsockopt, for ``ServiceResolver``. Only the few chains and maps that name services are asked for:
///
/// - iptables mode, iptables-nft: chains `KUBE-SERVICES` (nat and filter) and `KUBE-EXTERNAL-SERVICES`
///   (filter) of `ip` and `ip6`, each rule read back with ``IptablesDecoder`` (`-d`, `-p`, `--dport`,
///   the comment, `-j`). `KUBE-NODEPORTS` is left out: its rules match a port on any address, not a service
///   address.
/// - iptables mode, iptables-legacy: the same chains, when the namespace already has those tables (the
///   reader never creates one).
/// - nftables mode: the elements of the maps `service-ips` and `no-endpoint-services` of `table ip
///   kube-proxy` and `table ip6 kube-proxy` (`ClusterIP . proto . port : goto chain`).
///
/// Rules are handed over one at a time and nothing but the service chains and maps is read: memory holds
/// one chain's rules (a 20,000-service `KUBE-SERVICES` is about 20,000 rules), never the whole ruleset.
public struct LiveServiceRuleSource: ServiceRuleSource {
    /// A path that opens the namespace (`/proc/self/ns/net`, `/run/netns/NAME`, `/proc/PID/ns/net`).
    public var namespacePath: String
    /// How the namespace is named in errors.
    public var label: String

    public init(namespacePath: String, label: String? = nil) {
        self.namespacePath = namespacePath
        self.label = label ?? namespacePath
    }

    static let iptablesChains: [(table: String, chain: String)] = [
        ("nat", "KUBE-SERVICES"), ("filter", "KUBE-SERVICES"), ("filter", "KUBE-EXTERNAL-SERVICES"),
    ]
    static let nftablesMaps = ["service-ips", "no-endpoint-services"]

    public func forEachServiceRule(_ body: (ServiceRule) throws -> Void) throws {
        let handle = try NamespaceHandle(path: namespacePath, label: label)
        let reader = RulesetReader(connection: try handle.connection(.netfilter))
        var delivered = 0
        let counting: (ServiceRule) throws -> Void = { rule in
            delivered += 1
            try body(rule)
        }
        for family in [NFTFamily.ip, .ip6] {
            try iptablesNFTRules(reader, family: family, counting)
            try nftablesMapElements(reader, family: family, counting)
        }
        // kube-proxy writes one backend; when nf_tables already named services, a legacy reader that fails
        // (a kernel without x_tables) must not hide them. With none found, its error is the answer.
        do {
            try legacyRules(in: handle, counting)
        } catch {
            if delivered == 0 { throw error }
        }
    }

    /// iptables-nft: the kernel is asked for the service chains alone (a rule dump naming table and chain),
    /// not for the table's structure, which on a large node holds tens of thousands of chains. A missing
    /// table or chain (`ENOENT`) has no rules; a dump the kernel flags as interrupted is read again.
    private func iptablesNFTRules(_ reader: RulesetReader, family: NFTFamily, _ body: (ServiceRule) throws -> Void) throws {
        let decoder = IptablesDecoder(family: family)
        for (table, chain) in Self.iptablesChains {
            var rules: [Rule] = []
            for attempt in 1...reader.maxAttempts {
                do {
                    guard try reader.dumpRules(of: Chain(family: family, table: table, name: chain), into: &rules) != nil else { break }
                } catch let error as NetlinkError where error.errno == .noSuchFileOrDirectory {
                    rules = []
                    break
                }
                if attempt == reader.maxAttempts {
                    throw NetlinkError(operation: .dump("nftables rules of \(table)/\(chain)"), errno: .resourceTemporarilyUnavailable,
                                       kernelMessage: "the chain changed during every one of \(reader.maxAttempts) reads",
                                       namespace: reader.connection.namespace)
                }
            }
            for rule in rules {
                guard case .rule(let iptables) = decoder.decode(rule),
                      let serviceRule = ServiceRule(iptablesArguments: iptables.arguments) else { continue }
                try body(serviceRule)
            }
        }
    }

    /// nftables mode: the structure of `table <family> kube-proxy` carries the maps with their elements; no
    /// rule is read.
    private func nftablesMapElements(_ reader: RulesetReader, family: NFTFamily, _ body: (ServiceRule) throws -> Void) throws {
        try reader.stream(RulesetFilter(family: family, table: "kube-proxy"), order: { _ in [] }) { event in
            guard case .structure(let structure) = event else { return }
            for set in structure.sets where Self.nftablesMaps.contains(set.name) {
                for element in set.elements {
                    if let serviceRule = ServiceRule(mapElement: element, of: set) { try body(serviceRule) }
                }
            }
        }
    }

    /// iptables-legacy: the tables the namespace already has (x_tables hands a table over whole).
    private func legacyRules(in handle: borrowing NamespaceHandle, _ body: (ServiceRule) throws -> Void) throws {
        for family in IPFamily.allCases {
            for table in try LegacyReader.tables(in: handle, family: family) {
                for chain in table.chains where Self.iptablesChains.contains(where: { $0 == (table.name, chain.name) }) {
                    for rule in chain.rules {
                        if let serviceRule = ServiceRule(iptablesArguments: rule.iptablesArguments(ipsetNames: table.ipsetNames)) {
                            try body(serviceRule)
                        }
                    }
                }
            }
        }
    }
}

extension ServiceRule {
    /// Reads a `service-ips` / `no-endpoint-services` element: the key is `ipv4_addr . inet_proto .
    /// inet_service` (or `ipv6_addr . …`), each field padded to 4 bytes as nf_tables registers are
    /// (`NFT_REG32_SIZE`); the data is a `goto` verdict. `nil` for a key of another shape.
    public init?(mapElement element: SetElement, of set: NFTSet) {
        let addressLength = set.family == .ip6 ? 16 : 4
        let key = element.key
        guard key.count >= addressLength + 8, let address = IPAddress(networkBytes: key[0..<addressLength]) else { return nil }
        let protoNumber = key[addressLength]
        let port = UInt16(key[addressLength + 4]) << 8 | UInt16(key[addressLength + 5])
        let proto: Kubernetes.TransportProtocol
        switch protoNumber {
        case 6: proto = .tcp
        case 17: proto = .udp
        case 132: proto = .sctp
        default: return nil
        }
        guard case .verdict(let verdict) = element.data else { return nil }
        self.init(comment: element.comment, destination: address, proto: proto, port: port,
                  target: verdict.chain ?? verdict.code.description)
    }
}
