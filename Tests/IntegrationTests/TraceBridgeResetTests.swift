import Foundation
import NFScope
import Testing
import TestLab

/// br_netfilter's reject quirk: a TCP reset for a bridged packet leaves through the port it came in on,
/// past OUTPUT and POSTROUTING, so it is not un-NATed and the client ignores it; an ICMP error is un-NATed.
@Suite("trace of rejects on bridged DNATed flows, judged by the kernel", .serialized,
       .enabled(if: Shell.isRoot, "needs root: creates network namespaces"))
struct TraceBridgeResetTests {
    typealias Node = TraceNodeLabTests.Node

    /// Adds a pod `old` (10.42.0.12) whose address the node DNATs to web:8080, so pod-a's frames to it are
    /// bridged and DNATed in br_netfilter's PREROUTING; then rejects them in FORWARD.
    func bridgedDNAT(_ lab: Lab, reject: String) throws -> Node {
        let node = try Node(lab)
        let old = try lab.namespace("pod-old")
        try lab.veth(node.node, "veth-old", addresses: [], old, "eth0", addresses: ["10.42.0.12/24"])
        try lab.attach(node.node, "veth-old", to: "cni0")
        try node.node.exec(["iptables-nft", "-t", "nat", "-I", "PREROUTING", "1", "-d", "10.42.0.12", "-p", "tcp", "--dport", "80",
                            "-j", "DNAT", "--to-destination", "10.42.0.11:8080"])
        try node.node.exec(["iptables-nft", "-I", "FORWARD", "1", "-s", "10.42.0.10", "-d", "10.42.0.11", "-p", "tcp",
                            "--dport", "8080", "-j", "REJECT", "--reject-with", reject])
        return node
    }

    func judge(_ from: LabNamespace, _ destination: String, _ port: UInt16) throws -> (TraceReport, ConnectOutcome) {
        let predicted = try Tracer().trace(from: from.path, proto: .tcp, source: nil, sourcePort: nil,
                                           destination: IPAddress(destination)!, destinationPort: port)
        return (predicted, try from.connectTCP(to: destination, port: port))
    }

    @Test("bridged DNAT + REJECT tcp-reset: the reset is not un-NATed, the client times out")
    func resetIsIgnored() throws {
        try withLab { lab in
            let node = try bridgedDNAT(lab, reject: "tcp-reset")
            defer { node.close() }
            let (predicted, actual) = try judge(node.client, "10.42.0.12", 80)
            #expect(predicted.outcome == actual.rawValue, "\(predicted.reason)")
            #expect(actual == .timeout)
        }
    }

    @Test("bridged DNAT + REJECT icmp-port-unreachable: the error is un-NATed, the client is refused")
    func icmpIsRefused() throws {
        try withLab { lab in
            let node = try bridgedDNAT(lab, reject: "icmp-port-unreachable")
            defer { node.close() }
            let (predicted, actual) = try judge(node.client, "10.42.0.12", 80)
            #expect(predicted.outcome == actual.rawValue, "\(predicted.reason)")
            #expect(actual == .refused)
        }
    }

    @Test("routed pod → ClusterIP with a FORWARD tcp-reset: it came in through br_netfilter, so the reset is not un-NATed either")
    func routedReset() throws {
        try withLab { lab in
            let node = try Node(lab)
            defer { node.close() }
            try node.node.exec(["iptables-nft", "-I", "FORWARD", "1", "-s", "10.42.0.10", "-d", "10.42.0.11", "-p", "tcp",
                                "--dport", "8080", "-j", "REJECT", "--reject-with", "tcp-reset"])
            let (predicted, actual) = try judge(node.client, "10.43.0.10", 80)
            #expect(predicted.outcome == actual.rawValue, "\(predicted.reason) steps: \(predicted.steps.map(\.effect))")
            #expect(actual == .timeout)
        }
    }
}
