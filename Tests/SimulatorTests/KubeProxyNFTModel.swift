import NetCore
import NFTables
import RulesetCorpus
import SimulatorCorpus
@testable import Simulator

/// A node with kube-proxy's nftables-mode layout as typed values: `ip daddr . meta l4proto . th dport vmap
/// @service-ips` (a concatenated verdict map), per-service chains with `numgen random mod N vmap` over an
/// anonymous map, endpoint chains with native `dnat`, the masquerade mark set natively, `ct state new`
/// in the filter chains and `@no-endpoint-services` (drop here, kube-proxy goes to a reject chain).
enum KubeProxyNFTModel {
    typealias B = Build
    static let r9 = Register(rawValue: 9), r10 = Register(rawValue: 10)

    static func network(services count: Int) -> (NetworkModel, [KubeProxyNodeModel.Target]) {
        var (network, targets) = KubeProxyNodeModel.network(services: count)
        var chains: [Chain] = [B.base("nat-prerouting", table: "kube-proxy", hook: .prerouting, priority: -100, type: "nat"),
                               B.base("nat-postrouting", table: "kube-proxy", hook: .postrouting, priority: 100, type: "nat"),
                               B.base("filter-forward", table: "kube-proxy", hook: .forward),
                               B.regular("services", table: "kube-proxy"), B.regular("service-endpoints-check", table: "kube-proxy"),
                               B.regular("masquerading", table: "kube-proxy"), B.regular("mark-for-masquerade", table: "kube-proxy")]
        var rules: [Rule] = []
        var handle: UInt64 = 1
        func add(_ chain: String, _ expressions: [Expression]) {
            rules.append(B.rule(chain, handle, table: "kube-proxy", expressions))
            handle += 1
        }
        var serviceIPs: [SetElement] = [], noEndpoints: [SetElement] = [], sets: [NFTSet] = []
        let setKey = [B.payload(.network, 16, 4, B.r1), Expression.meta(Expression.Meta(key: .l4proto, operation: .load(destination: r9))),
                      B.payload(.transport, 2, 2, r10)]
        add("nat-prerouting", [B.verdict(.jump, "services")])
        add("nat-postrouting", [B.verdict(.jump, "masquerading")])
        add("filter-forward", ctNew + [B.verdict(.jump, "service-endpoints-check")])
        add("services", setKey + [.lookup(Expression.Lookup(set: "service-ips", source: B.r1, destination: .verdict))])
        add("service-endpoints-check", setKey + [.lookup(Expression.Lookup(set: "no-endpoint-services", source: B.r1, destination: .verdict))])
        add("masquerading", markLoad + [.bitwise(maskXor(0x4000, 0)), .cmp(Expression.Cmp(source: B.r1, op: .eq, data: [0, 0, 0, 0])),
                                        B.verdict(.return)])
        add("masquerading", markLoad + [.bitwise(maskXor(0xffff_bfff, 0x4000)), markSet])
        add("masquerading", [B.decoded("masq", [(1, 0x10)])])
        add("mark-for-masquerade", markLoad + [.bitwise(maskXor(0xffff_bfff, 0x4000)), markSet])
        for (index, target) in targets.enumerated() {
            let service = KubeProxyService(index: index)
            let key = target.address.networkBytes + [target.proto.number(in: .ipv4), 0, 0, 0] + B.be16(target.port) + [0, 0]
            guard service.kind != .noEndpoints else {
                noEndpoints.append(SetElement(key: key, data: .verdict(Verdict(code: .drop))))
                continue
            }
            let chain = "service-\(index)"
            chains.append(B.regular(chain, table: "kube-proxy"))
            serviceIPs.append(SetElement(key: key, data: .verdict(Verdict(code: .goto, chain: chain))))
            add(chain, [B.payload(.network, 12, 4, B.r1), .bitwise(Expression.Bitwise(source: B.r1, destination: B.r1, length: 4,
                         operation: .maskXor(mask: [255, 0, 0, 0], xor: [0, 0, 0, 0]))),
                        .cmp(Expression.Cmp(source: B.r1, op: .neq, data: [10, 0, 0, 0])), B.verdict(.jump, "mark-for-masquerade")])
            var numgenMap: [SetElement] = []
            for (j, endpoint) in service.endpoints.enumerated() {
                let endpointChain = "endpoint-\(index)-\(j)"
                chains.append(B.regular(endpointChain, table: "kube-proxy"))
                numgenMap.append(SetElement(key: [UInt8(j), 0, 0, 0], data: .verdict(Verdict(code: .goto, chain: endpointChain))))
                add(endpointChain, [B.payload(.network, 12, 4, B.r1), .cmp(Expression.Cmp(source: B.r1, op: .eq, data: B.ip(endpoint).networkBytes)),
                                    B.verdict(.jump, "mark-for-masquerade")])
                add(endpointChain, [.meta(Expression.Meta(key: .l4proto, operation: .load(destination: B.r1))),
                                    .cmp(Expression.Cmp(source: B.r1, op: .eq, data: [target.proto.number(in: .ipv4)]))]
                    + B.dnat(endpoint, UInt16(service.targetPort)))
            }
            let anonymous = "__map\(index)"
            sets.append(NFTSet(family: .ip, table: "kube-proxy", name: anonymous, flags: [.anonymous, .constant, .map], keyLength: 4,
                               dataType: 0xffff_ff00, elements: numgenMap))
            add(chain, [B.decoded("numgen", [(1, 1), (2, UInt32(numgenMap.count)), (3, 1)]),
                        .lookup(Expression.Lookup(set: anonymous, source: B.r1, destination: .verdict))])
        }
        let concat: NFTSet.Flags = [.map, .concat]
        sets.append(NFTSet(family: .ip, table: "kube-proxy", name: "service-ips", flags: concat, keyLength: 12, dataType: 0xffff_ff00,
                           concatFieldLengths: [4, 1, 2], elements: serviceIPs))
        sets.append(NFTSet(family: .ip, table: "kube-proxy", name: "no-endpoint-services", flags: concat, keyLength: 12,
                           dataType: 0xffff_ff00, concatFieldLengths: [4, 1, 2], elements: noEndpoints))
        var model = network.namespaces[KubeProxyNodeModel.node]!
        model.ruleset = RulesetSnapshot(structure: RulesetStructure(tables: [Table(family: .ip, name: "kube-proxy")], chains: chains,
                                                                    sets: sets), rules: rules)
        network.namespaces[KubeProxyNodeModel.node] = model
        return (network, targets)
    }

    static var ctNew: [Expression] {
        [.ct(Expression.Ct(key: .state, operation: .load(destination: B.r1))), .bitwise(maskXor(8, 0)),
         .cmp(Expression.Cmp(source: B.r1, op: .neq, data: [0, 0, 0, 0]))]
    }

    static var markLoad: [Expression] { [.meta(Expression.Meta(key: .mark, operation: .load(destination: B.r1)))] }
    static var markSet: Expression { .meta(Expression.Meta(key: .mark, operation: .set(source: B.r1))) }

    /// A host-order 32-bit mask/xor as nft writes it for `mark and M xor X`.
    static func maskXor(_ mask: UInt32, _ xor: UInt32) -> Expression.Bitwise {
        Expression.Bitwise(source: B.r1, destination: B.r1, length: 4, operation: .maskXor(mask: mask.hostBytes, xor: xor.hostBytes))
    }
}

extension Build {
    static func payload(_ base: PayloadBase, _ offset: UInt32, _ length: UInt32, _ register: Register) -> Expression {
        .payload(Expression.Payload(operation: .load(destination: register), base: base, offset: offset, length: length))
    }
}
