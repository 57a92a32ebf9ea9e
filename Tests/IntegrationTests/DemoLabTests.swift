import DemoLab
import Foundation
import Testing
import TestLab

/// Unique per test, under the `nfs-test-` prefix that `.ci/run` sweeps after a crash.
func demoPrefix(_ label: String) -> String {
    "nfs-test-demo-\(getpid())-\(label)-\(UInt16.random(in: 0...UInt16.max))"
}

/// Builds a lab; the caller defers ``finish(_:)``. A failed build is torn down here.
func buildDemoLab(_ label: String, mode: ProxyMode = .iptables) throws -> DemoLab {
    let lab = DemoLab(prefix: demoPrefix(label), proxyMode: mode)
    do { try lab.build() } catch { finish(lab); throw error }
    return lab
}

/// Tears the lab down and checks that nothing is left.
func finish(_ lab: DemoLab) {
    lab.teardown()
    let left = DemoLab.leftovers(prefix: lab.prefix)
    #expect(left.namespaces.isEmpty && left.processes.isEmpty, "teardown left \(left)")
}

extension DemoLab {
    var clientProbe: LabNamespace { LabNamespace(name: namespace(of: DemoTopology.client)) }
    var nodeProbe: LabNamespace { LabNamespace(name: nodeNamespace) }
}

let webClusterIP = DemoTopology.web.clusterIP.description
let emptyClusterIP = DemoTopology.empty.clusterIP.description

@Suite("Demo lab: the incident, built and judged by the kernel", .serialized,
       .enabled(if: Shell.isRoot, "needs root: creates network namespaces"))
struct DemoLabTests {
    @Test("healthy lab: pod → :80 and :9090 ok (both endpoints), node → :80 ok, the no-endpoint service refused",
          arguments: ProxyMode.allCases)
    func healthy(mode: ProxyMode) throws {
        let lab = try buildDemoLab("healthy", mode: mode)
        defer { finish(lab) }
        #expect(lab.bridgeNetfilter == .enabled)
        // kube-proxy picks an endpoint at random: several tries reach both backends with high probability.
        for _ in 0..<6 { #expect(try lab.clientProbe.connectTCP(to: webClusterIP, port: 80) == .ok) }
        for _ in 0..<4 { #expect(try lab.clientProbe.connectTCP(to: webClusterIP, port: 9090) == .ok) }
        #expect(try lab.nodeProbe.connectTCP(to: webClusterIP, port: 80) == .ok)
        #expect(try lab.nodeProbe.connectTCP(to: webClusterIP, port: 9090) == .ok)
        #expect(try lab.clientProbe.connectTCP(to: emptyClusterIP, port: 80) == .refused)
        // The NodePort on the node's address reaches the service too.
        #expect(try lab.nodeProbe.connectTCP(to: DemoTopology.nodeAddress.description, port: 30080) == .ok)
        // Pods reach each other directly across the bridge.
        #expect(try lab.clientProbe.connectTCP(to: DemoTopology.web2.address.description, port: 80) == .ok)
    }

    @Test("each fault breaks pod → ClusterIP:80 as documented while node → :80 and pod → :9090 keep working",
          arguments: DemoFault.allCases, ProxyMode.allCases)
    func fault(_ fault: DemoFault, mode: ProxyMode) throws {
        let lab = try buildDemoLab(String(fault.rawValue.prefix(12)), mode: mode)
        defer { finish(lab) }
        #expect(try lab.clientProbe.connectTCP(to: webClusterIP, port: 80) == .ok, "healthy before the fault")
        try lab.apply(fault)
        for _ in 0..<2 {
            let outcome = try lab.clientProbe.connectTCP(to: webClusterIP, port: 80)
            #expect(outcome.rawValue == fault.podOutcome.rawValue, "\(fault.rawValue) (\(mode)): pod → :80 was \(outcome)")
        }
        #expect(try lab.nodeProbe.connectTCP(to: webClusterIP, port: 80) == .ok, "\(fault.rawValue): node → :80")
        #expect(try lab.clientProbe.connectTCP(to: webClusterIP, port: 9090) == .ok, "\(fault.rawValue): pod → :9090")
    }

    @Test("each fault's decisive chain exists where its site says (checked with the tools as oracle)",
          arguments: DemoFault.allCases)
    func faultSite(_ fault: DemoFault) throws {
        let lab = try buildDemoLab("site")
        defer { finish(lab) }
        try lab.apply(fault)
        let site = fault.site
        let namespace = site.namespace == .node ? lab.nodeProbe : lab.clientProbe
        let listing = try namespace.exec(["nft", "list", "chain", site.family, site.table, site.chain])
        #expect(listing.contains("chain \(site.chain)"))
        #expect(!listing.contains("type ") || listing.contains("hook \(site.hook)"), "\(listing)")
    }

    @Test("br_netfilter off: pod → ClusterIP times out on every port, node → ClusterIP still works; back on, it heals")
    func bridgeNetfilterOff() throws {
        let lab = try buildDemoLab("brnf")
        defer { finish(lab) }
        try lab.setBridgeNetfilter(enabled: false)
        #expect(try lab.clientProbe.connectTCP(to: webClusterIP, port: 80) == .timeout)
        #expect(try lab.clientProbe.connectTCP(to: webClusterIP, port: 9090) == .timeout)
        #expect(try lab.nodeProbe.connectTCP(to: webClusterIP, port: 80) == .ok)
        try lab.setBridgeNetfilter(enabled: true)
        #expect(try lab.clientProbe.connectTCP(to: webClusterIP, port: 80) == .ok)
    }

    @Test("teardown removes every namespace and listener, and a second teardown is harmless")
    func teardown() throws {
        let lab = DemoLab(prefix: demoPrefix("down"))
        try lab.build()
        let built = DemoLab.leftovers(prefix: lab.prefix)
        #expect(built.namespaces.count == 1 + DemoTopology.pods.count)
        #expect(built.processes.count == DemoTopology.pods.filter { !$0.listensOn.isEmpty }.count)
        lab.teardown()
        let left = DemoLab.leftovers(prefix: lab.prefix)
        #expect(left.namespaces.isEmpty && left.processes.isEmpty, "left \(left)")
        lab.teardown()
        #expect(throws: DemoLabError.self) { try lab.apply(.forwardReject) }
    }
}
