import Kubernetes
import NetCore
import NFScope
import NFTables
import Testing

/// The pure parts of `diff` and of the nftables-mode service source: no kernel needed.
@Suite("diff lines and kube-proxy map elements, on values")
struct NamespaceDiffTests {
    @Test("lines only one side has, as multisets, in each side's order")
    func lineDifference() {
        let difference = NamespaceDiff.LineDifference(["a", "b", "a", "c"], ["c", "a", "d"])
        #expect(difference.onlyInA == ["b", "a"])
        #expect(difference.onlyInB == ["d"])
        #expect(NamespaceDiff.LineDifference(["x", "y"], ["y", "x"]).isEmpty)
    }

    @Test("chains: a chain only one side has is listed even when empty; equal chains are not")
    func chains() {
        func chain(_ name: String, _ lines: [String]) -> NamespaceFacts.ChainRules {
            NamespaceFacts.ChainRules(backend: "iptables-nft", family: "ip", table: "filter", chain: name, lines: lines)
        }
        let facts = { (chains: [NamespaceFacts.ChainRules], sysctls: [String: String]) in
            NamespaceFacts(chains: chains, routes: [], addresses: [], sysctls: sysctls)
        }
        let a = facts([chain("INPUT", ["policy accept", "-A INPUT -j DROP"]), chain("EMPTY", []), chain("SAME", ["x"])],
                      ["net.ipv4.ip_forward": "1", "net.ipv4.conf.default.rp_filter": "2",
                       "net.ipv4.conf.cni0.rp_filter": "2", "net.ipv4.conf.eth9.rp_filter": "1"])
        let b = facts([chain("SAME", ["x"]), chain("INPUT", ["policy accept"])],
                      ["net.ipv4.ip_forward": "0", "net.ipv4.conf.default.rp_filter": "2"])
        let diff = NamespaceDiff(a: .init(target: "a", netns: "/a"), facts: a, b: .init(target: "b", netns: "/b"), facts: b)
        #expect(diff.rules.map(\.chain) == ["INPUT", "EMPTY"])
        #expect(diff.rules.first?.onlyInA == ["-A INPUT -j DROP"] && diff.rules.last?.inB == false)
        // cni0 keeps the default (left out); eth9 was given 1 against a default of 2 (listed).
        #expect(diff.sysctls.map(\.name) == ["net.ipv4.conf.eth9.rp_filter", "net.ipv4.ip_forward"])
        #expect(!diff.identical)
    }

    @Test("service-ips elements: address . proto . port padded to registers, goto verdict; other shapes are skipped")
    func mapElements() throws {
        let set = NFTSet(family: .ip, table: "kube-proxy", name: "service-ips")
        let key: [UInt8] = [10, 43, 0, 10, 6, 0, 0, 0, 0, 80, 0, 0]
        let element = SetElement(key: key, data: .verdict(Verdict(code: .goto, chain: "service-ABCDEFGH-demo/web/tcp/http")))
        let rule = try #require(ServiceRule(mapElement: element, of: set))
        #expect(rule.destination == IPAddress("10.43.0.10")! && rule.proto == .tcp && rule.port == 80)
        #expect(rule.servicePort?.reference == "demo/web:http")
        let reject = SetElement(key: [10, 43, 0, 20, 17, 0, 0, 0, 0, 53, 0, 0],
                                data: .verdict(Verdict(code: .goto, chain: "reject-chain")))
        #expect(ServiceRule(mapElement: reject, of: set)?.proto == .udp)
        #expect(ServiceRule(mapElement: SetElement(key: [10, 43, 0, 10]), of: set) == nil)
        #expect(ServiceRule(mapElement: SetElement(key: key, data: .value([1])), of: set) == nil)
        #expect(ServiceRule(mapElement: SetElement(key: [10, 43, 0, 10, 1, 0, 0, 0, 0, 80, 0, 0],
                                                   data: element.data), of: set) == nil)
    }
}
