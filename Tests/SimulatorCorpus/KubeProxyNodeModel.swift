import NetCore
import NFTables
import Route
import RulesetCorpus
import Simulator

/// A K3s-like node holding a kube-proxy iptables-mode ruleset as iptables-nft 1.8.9 stores it in the
/// kernel (native payload/cmp for `-p`/`-d`/`-s`/`--dport`, the x_tables `comment`, `statistic`,
/// `conntrack`, `addrtype`, `tcp`/`udp` matches and `MARK`/`DNAT`/`MASQUERADE`/`REJECT` targets as compat
/// blobs, `-m mark` as meta/bitwise/cmp), built as typed values so unit tests and benchmarks need no kernel.
/// The services are ``KubeProxyService``'s, like the text corpus (session affinity's `recent` matches are
/// left out: affinity services are written as plain ClusterIP services).
public enum KubeProxyNodeModel {
    /// The node's namespace name in the model.
    public static let node = "node"
    /// The interface pod traffic arrives on.
    public static let podInterface = "cni0"

    /// A ClusterIP flow a pod may open.
    public struct Target: Sendable {
        public var address: IPAddress
        public var port: UInt16
        public var proto: TransportProtocol
    }

    /// The node model and the ClusterIP targets of its services.
    public static func network(services count: Int) -> (NetworkModel, [Target]) {
        var builder = RuleBuilder()
        var targets: [Target] = []
        builder.base()
        for index in 0..<count {
            let service = KubeProxyService(index: index)
            builder.add(service)
            targets.append(Target(address: IPAddress(service.clusterIP)!, port: UInt16(service.port),
                                  proto: service.proto == "udp" ? .udp : .tcp))
        }
        builder.nat("KUBE-SERVICES", [comment("kubernetes service nodeports; NOTE: this must be the last rule in this chain"),
                                      .match(CompatExtension(name: "addrtype", revision: 1, info: blob(8, u16: [(2, 4)]))),
                                      counter, jump("KUBE-NODEPORTS")])
        let links = [Link(index: 1, name: "lo", flags: [.up, .loopback]), Link(index: 2, name: "eth0", kind: .veth, flags: [.up]),
                     Link(index: 3, name: podInterface, kind: .veth, flags: [.up]),
                     Link(index: 4, name: "flannel.1", kind: .vxlan, flags: [.up])]
        let addresses = [InterfaceAddress(interfaceIndex: 2, prefix: IPPrefix("192.168.1.10/24")!),
                         InterfaceAddress(interfaceIndex: 3, prefix: IPPrefix("10.1.0.1/16")!),
                         InterfaceAddress(interfaceIndex: 4, prefix: IPPrefix("10.200.0.0/32")!)]
        let routes = [
            Route(family: .ipv4, destination: IPPrefix("0.0.0.0/0")!, gateway: IPAddress("192.168.1.1"), outputInterface: 2),
            Route(family: .ipv4, table: .main, type: .unicast, protocol: .kernel, scope: .link,
                  destination: IPPrefix("192.168.1.0/24")!, outputInterface: 2),
            Route(family: .ipv4, table: .main, type: .unicast, protocol: .kernel, scope: .link,
                  destination: IPPrefix("10.1.0.0/16")!, outputInterface: 3),
            Route(family: .ipv4, table: .main, type: .unicast, scope: .link, destination: IPPrefix("10.0.0.0/8")!,
                  outputInterface: 4),
        ]
        var sysctls = NamespaceSysctls.defaults
        sysctls.ipv4Forwarding = true
        let tables = [Table(family: .ip, name: "nat"), Table(family: .ip, name: "filter")]
        let ruleset = RulesetSnapshot(structure: RulesetStructure(tables: tables, chains: builder.chains), rules: builder.rules)
        let model = NamespaceModel(name: node, ruleset: ruleset,
                                   routes: RouteSnapshot(links: links, addresses: addresses, routes: routes), sysctls: sysctls)
        return (NetworkModel([model]), targets)
    }

    // MARK: expressions as iptables-nft writes them

    static let r1 = Register(rawValue: 1)
    static let counter = Expression.counter(Expression.Counter(packets: 0, bytes: 0))

    static func jump(_ chain: String) -> Expression {
        .immediate(Expression.Immediate(destination: .verdict, data: .verdict(Verdict(code: .jump, chain: chain))))
    }

    static func verdict(_ code: Verdict.Code) -> Expression {
        .immediate(Expression.Immediate(destination: .verdict, data: .verdict(Verdict(code: code))))
    }

    static func blob(_ size: Int, u16: [(Int, UInt16)] = [], u32: [(Int, UInt32)] = [], bytes: [(Int, [UInt8])] = []) -> [UInt8] {
        var info = [UInt8](repeating: 0, count: size)
        for (offset, value) in u16 { info[offset] = UInt8(value & 0xff); info[offset + 1] = UInt8(value >> 8) }
        for (offset, value) in u32 { for i in 0..<4 { info[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(i))) } }
        for (offset, value) in bytes { info.replaceSubrange(offset..<offset + value.count, with: value) }
        return info
    }

    static func comment(_ text: String) -> Expression {
        .match(CompatExtension(name: "comment", revision: 0, info: blob(256, bytes: [(0, Array(text.utf8.prefix(255)))])))
    }

    static func proto(_ name: String) -> [Expression] {
        [.meta(Expression.Meta(key: .l4proto, operation: .load(destination: r1))),
         .cmp(Expression.Cmp(source: r1, op: .eq, data: [name == "udp" ? 17 : 6]))]
    }

    static func address(_ offset: UInt32, _ text: String, op: CmpOp = .eq) -> [Expression] {
        [.payload(Expression.Payload(operation: .load(destination: r1), base: .network, offset: offset, length: 4)),
         .cmp(Expression.Cmp(source: r1, op: op, data: IPAddress(text)!.networkBytes))]
    }

    /// A prefix match as iptables-nft shortens it: whole bytes load fewer bytes, others mask.
    static func prefix(_ offset: UInt32, _ text: String, op: CmpOp = .eq) -> [Expression] {
        let prefix = IPPrefix(text)!
        let bytes = prefix.network.networkBytes
        if prefix.length % 8 == 0 {
            let length = prefix.length / 8
            return [.payload(Expression.Payload(operation: .load(destination: r1), base: .network, offset: offset, length: UInt32(length))),
                    .cmp(Expression.Cmp(source: r1, op: op, data: Array(bytes.prefix(length))))]
        }
        let mask = (0..<4).map { i in UInt8(truncatingIfNeeded: (UInt32.max << (32 - prefix.length)) >> (8 * (3 - i))) }
        return [.payload(Expression.Payload(operation: .load(destination: r1), base: .network, offset: offset, length: 4)),
                .bitwise(Expression.Bitwise(source: r1, destination: r1, length: 4, operation: .maskXor(mask: mask, xor: [0, 0, 0, 0]))),
                .cmp(Expression.Cmp(source: r1, op: op, data: bytes))]
    }

    static func dport(_ port: Int) -> [Expression] {
        [.payload(Expression.Payload(operation: .load(destination: r1), base: .transport, offset: 2, length: 2)),
         .cmp(Expression.Cmp(source: r1, op: .eq, data: [UInt8(port >> 8), UInt8(port & 0xff)]))]
    }

    /// `-m tcp`/`-m udp` without options (all ports), as a compat match.
    static func portMatch(_ name: String) -> Expression {
        .match(CompatExtension(name: name, revision: 0, info: blob(16, u16: [(2, 0xffff), (6, 0xffff)])))  // XT_ALIGN(12)
    }

    /// `-m conntrack [!] --ctstate` (revision 3).
    static func ctstate(_ mask: UInt16, inverted: Bool = false) -> Expression {
        .match(CompatExtension(name: "conntrack", revision: 3,
                               info: blob(168, u16: [(146, 1), (148, inverted ? 1 : 0), (150, mask)])))
    }

    /// `-m statistic --mode random --probability p` (revision 0): p scaled to 2^31; the kernel holds the
    /// value at offset 12 too (the union's last word), as read back after `iptables-nft-restore`.
    static func statistic(_ probability: Double) -> Expression {
        let value = UInt32((probability * 2_147_483_648).rounded())
        return .match(CompatExtension(name: "statistic", revision: 0, info: blob(24, u32: [(4, value), (12, value)])))
    }

    static func dnat(_ address: String, _ port: Int) -> Expression {
        let bytes = IPAddress(address)!.networkBytes
        return .target(CompatExtension(name: "DNAT", revision: 2, info: blob(48, u32: [(0, 3)], bytes: [
            (4, bytes), (20, bytes), (36, [UInt8(port >> 8), UInt8(port & 0xff)]), (38, [UInt8(port >> 8), UInt8(port & 0xff)])])))
    }

    static func markTarget(_ mark: UInt32, mask: UInt32) -> Expression {
        .target(CompatExtension(name: "MARK", revision: 2, info: blob(8, u32: [(0, mark), (4, mask)])))
    }

    static func metaMark(_ bit: UInt32, op: CmpOp) -> [Expression] {
        let host = [UInt8(bit & 0xff), UInt8(bit >> 8 & 0xff), UInt8(bit >> 16 & 0xff), UInt8(bit >> 24)]
        return [.meta(Expression.Meta(key: .mark, operation: .load(destination: r1))),
                .bitwise(Expression.Bitwise(source: r1, destination: r1, length: 4, operation: .maskXor(mask: host, xor: [0, 0, 0, 0]))),
                .cmp(Expression.Cmp(source: r1, op: op, data: host))]
    }
}
