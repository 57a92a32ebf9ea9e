import Foundation
import NFScope
import Testing
import TestLab

/// A K3s-like node: a node namespace with a bridge `cni0` (10.42.0.1/24, br_netfilter on), two pods behind
/// veths on it, an uplink to an "upstream" namespace for the default route, and kube-proxy iptables-mode
/// rules for a ClusterIP service 10.43.0.10 with ports 80 → web:8080 and 9090 → web:9090.
@Suite("trace on a K3s-like node, judged by the kernel", .serialized,
       .enabled(if: Shell.isRoot, "needs root: creates network namespaces"))
struct TraceNodeLabTests {
    struct Node {
        let node: LabNamespace
        let client: LabNamespace
        let web: LabNamespace
        let upstream: LabNamespace
        let listeners: [LabListener]

        init(_ lab: Lab) throws {
            node = try lab.namespace("node")
            client = try lab.namespace("pod-a")
            web = try lab.namespace("pod-web")
            upstream = try lab.namespace("up")
            try lab.bridge(node, "cni0", addresses: ["10.42.0.1/24"])
            try lab.veth(node, "veth-a", addresses: [], client, "eth0", addresses: ["10.42.0.10/24"])
            try lab.veth(node, "veth-web", addresses: [], web, "eth0", addresses: ["10.42.0.11/24"])
            try lab.attach(node, "veth-a", to: "cni0")
            try lab.attach(node, "veth-web", to: "cni0")
            try lab.veth(node, "eth0", addresses: ["192.168.50.2/24"], upstream, "eth0", addresses: ["192.168.50.1/24"])
            try node.exec(["ip", "route", "add", "default", "via", "192.168.50.1"])
            try client.exec(["ip", "route", "add", "default", "via", "10.42.0.1"])
            try web.exec(["ip", "route", "add", "default", "via", "10.42.0.1"])
            try node.sysctl("net.ipv4.ip_forward=1")
            try node.sysctl("net.bridge.bridge-nf-call-iptables=1")
            try node.loadIptables(Node.kubeProxyRules)
            listeners = [try web.listenTCP(port: 8080), try web.listenTCP(port: 9090)]
        }

        func close() { for listener in listeners { listener.close() } }

        static let kubeProxyRules = """
            *nat
            :PREROUTING ACCEPT [0:0]
            :INPUT ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            :POSTROUTING ACCEPT [0:0]
            :KUBE-SERVICES - [0:0]
            :KUBE-POSTROUTING - [0:0]
            :KUBE-MARK-MASQ - [0:0]
            :KUBE-SVC-WEBHTTP - [0:0]
            :KUBE-SVC-WEBMETRICS - [0:0]
            :KUBE-SEP-WEBHTTP - [0:0]
            :KUBE-SEP-WEBMETRICS - [0:0]
            -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
            -A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
            -A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
            -A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
            -A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
            -A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0
            -A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
            -A KUBE-SERVICES -d 10.43.0.10/32 -p tcp -m comment --comment "default/web:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-WEBHTTP
            -A KUBE-SERVICES -d 10.43.0.10/32 -p tcp -m comment --comment "default/web:metrics cluster IP" -m tcp --dport 9090 -j KUBE-SVC-WEBMETRICS
            -A KUBE-SVC-WEBHTTP ! -s 10.42.0.0/16 -d 10.43.0.10/32 -p tcp -m comment --comment "default/web:http cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ
            -A KUBE-SVC-WEBHTTP -m comment --comment "default/web:http -> 10.42.0.11:8080" -j KUBE-SEP-WEBHTTP
            -A KUBE-SEP-WEBHTTP -s 10.42.0.11/32 -m comment --comment "default/web:http" -j KUBE-MARK-MASQ
            -A KUBE-SEP-WEBHTTP -p tcp -m comment --comment "default/web:http" -m tcp -j DNAT --to-destination 10.42.0.11:8080
            -A KUBE-SVC-WEBMETRICS ! -s 10.42.0.0/16 -d 10.43.0.10/32 -p tcp -m comment --comment "default/web:metrics cluster IP" -m tcp --dport 9090 -j KUBE-MARK-MASQ
            -A KUBE-SVC-WEBMETRICS -m comment --comment "default/web:metrics -> 10.42.0.11:9090" -j KUBE-SEP-WEBMETRICS
            -A KUBE-SEP-WEBMETRICS -s 10.42.0.11/32 -m comment --comment "default/web:metrics" -j KUBE-MARK-MASQ
            -A KUBE-SEP-WEBMETRICS -p tcp -m comment --comment "default/web:metrics" -m tcp -j DNAT --to-destination 10.42.0.11:9090
            COMMIT
            *filter
            :INPUT ACCEPT [0:0]
            :FORWARD ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            :KUBE-FORWARD - [0:0]
            :FLANNEL-FWD - [0:0]
            -A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD
            -A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD
            -A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
            -A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
            -A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
            -A FLANNEL-FWD -s 10.42.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT
            -A FLANNEL-FWD -d 10.42.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT
            COMMIT
            """
    }

    func judge(_ from: LabNamespace, _ destination: String, _ port: UInt16) throws -> (TraceReport, ConnectOutcome) {
        let predicted = try Tracer().trace(from: from.path, proto: .tcp, source: nil, sourcePort: nil,
                                           destination: IPAddress(destination)!, destinationPort: port)
        return (predicted, try from.connectTCP(to: destination, port: port))
    }

    /// Pod → ClusterIP:80, node → ClusterIP:80, pod → ClusterIP:9090 and pod → pod must match the kernel, and
    /// the kernel must do what the scenario says.
    func checkIncident(_ node: Node, pod80 expected: ConnectOutcome, decisiveChain: String? = nil,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let cases: [(LabNamespace, String, UInt16, ConnectOutcome)] = [
            (node.client, "10.43.0.10", 80, expected),
            (node.node, "10.43.0.10", 80, .ok),
            (node.client, "10.43.0.10", 9090, .ok),
        ]
        for (from, destination, port, intended) in cases {
            let (predicted, actual) = try judge(from, destination, port)
            #expect(actual == intended, "scenario: \(from.name) -> \(destination):\(port) should be \(intended)",
                    sourceLocation: sourceLocation)
            #expect(predicted.outcome == actual.rawValue,
                    "\(from.name) -> \(destination):\(port): predicted \(predicted.outcome) (\(predicted.reason)), kernel \(actual); notes: \(predicted.warnings)",
                    sourceLocation: sourceLocation)
            if port == 80, from == node.client, let decisiveChain {
                #expect(predicted.decisiveRule?.chain == decisiveChain, sourceLocation: sourceLocation)
            }
        }
    }

    @Test("healthy node: pod and node reach the service; pod reaches pod across the bridge")
    func healthy() throws {
        try withLab { lab in
            let node = try Node(lab)
            defer { node.close() }
            try checkIncident(node, pod80: .ok)
            let (direct, actual) = try judge(node.client, "10.42.0.11", 8080)
            #expect(actual == .ok)
            #expect(direct.outcome == "ok")
        }
    }

    @Test("fault: a network-policy REJECT in FORWARD for pod traffic to the backend")
    func forwardReject() throws {
        try withLab { lab in
            let node = try Node(lab)
            defer { node.close() }
            try node.node.exec(["iptables-nft", "-I", "FORWARD", "1", "-s", "10.42.0.10", "-d", "10.42.0.11", "-p", "tcp",
                                "--dport", "8080", "-j", "REJECT"])
            try checkIncident(node, pod80: .refused, decisiveChain: "FORWARD")
        }
    }

    @Test("fault: a DROP in FORWARD makes pod → ClusterIP:80 time out")
    func forwardDrop() throws {
        try withLab { lab in
            let node = try Node(lab)
            defer { node.close() }
            try node.node.exec(["iptables-nft", "-I", "FORWARD", "1", "-d", "10.42.0.11", "-p", "tcp", "--dport", "8080",
                                "-j", "DROP"])
            try checkIncident(node, pod80: .timeout, decisiveChain: "FORWARD")
        }
    }

    @Test("fault: a hostPort-like REDIRECT of port 80 in nat PREROUTING ahead of kube-proxy")
    func preroutingRedirect() throws {
        try withLab { lab in
            let node = try Node(lab)
            defer { node.close() }
            try node.node.exec(["iptables-nft", "-t", "nat", "-I", "PREROUTING", "1", "-p", "tcp", "--dport", "80",
                                "-j", "REDIRECT", "--to-ports", "18080"])
            try checkIncident(node, pod80: .refused)
        }
    }

    @Test("fault: a sidecar REDIRECT in the pod's own namespace with nothing listening")
    func podRedirect() throws {
        try withLab { lab in
            let node = try Node(lab)
            defer { node.close() }
            try node.client.loadIptables("""
                *nat
                :OUTPUT ACCEPT [0:0]
                -A OUTPUT -p tcp --dport 80 -j REDIRECT --to-ports 15001
                COMMIT
                """)
            try checkIncident(node, pod80: .refused, decisiveChain: nil)
        }
    }

    @Test("NodePort through addrtype LOCAL: from outside the node and from a pod")
    func nodePort() throws {
        try withLab { lab in
            let node = try Node(lab)
            defer { node.close() }
            try node.node.exec(["iptables-nft-restore", "--noflush"], input: """
                *nat
                :KUBE-NODEPORTS - [0:0]
                -A KUBE-SERVICES -m comment --comment "kubernetes service nodeports" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
                -A KUBE-NODEPORTS -p tcp -m comment --comment "default/web:http" -m tcp --dport 30080 -j KUBE-MARK-MASQ
                -A KUBE-NODEPORTS -p tcp -m comment --comment "default/web:http" -m tcp --dport 30080 -j KUBE-SEP-WEBHTTP
                COMMIT
                """)
            let upstream = node.upstream
            for (from, destination) in [(upstream, "192.168.50.2"), (node.client, "192.168.50.2"), (node.client, "10.42.0.1")] {
                let (predicted, actual) = try judge(from, destination, 30080)
                #expect(actual == .ok, "\(from.name) -> \(destination):30080")
                #expect(predicted.outcome == actual.rawValue,
                        "\(from.name) -> \(destination):30080: predicted \(predicted.outcome) (\(predicted.reason)); notes \(predicted.warnings)")
            }
            // A port nothing maps: refused by the node itself.
            let (predicted, actual) = try judge(upstream, "192.168.50.2", 30081)
            #expect(predicted.outcome == actual.rawValue, "\(predicted.reason)")
        }
    }

    @Test("fault: a native nftables table drops forwarded pod traffic to port 8080")
    func nftablesDrop() throws {
        try withLab { lab in
            let node = try Node(lab)
            defer { node.close() }
            try node.node.loadNft("""
                table inet netpol {
                    chain forward {
                        type filter hook forward priority -10; policy accept;
                        ip saddr 10.42.0.10 tcp dport 8080 counter drop
                    }
                }
                """)
            try checkIncident(node, pod80: .timeout, decisiveChain: "forward")
        }
    }
}
