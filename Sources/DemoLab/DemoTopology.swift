import NetCore

/// One pod of the lab: a namespace of its own behind a veth on the node's bridge.
public struct DemoPod: Hashable, Sendable {
    /// The pod name (in Kubernetes namespace ``DemoTopology/kubernetesNamespace``) and the namespace suffix.
    public var name: String
    public var address: IPAddress
    /// The node side of the veth, enslaved to `cni0` (the pod side is `eth0`).
    public var hostInterface: String
    /// TCP ports a listener serves for the lab's life.
    public var listensOn: [UInt16]
}

/// The K3s-like node the lab builds; addresses follow K3s's defaults (pods 10.42.0.0/16, services
/// 10.43.0.0/16, flannel's `cni0` bridge at 10.42.0.1).
public enum DemoTopology {
    public static let kubernetesNamespace = "demo"
    public static let clusterCIDR = IPPrefix("10.42.0.0/16")!
    public static let nodePodCIDR = IPPrefix("10.42.0.0/24")!
    public static let bridge = "cni0"
    public static let bridgeAddress = IPAddress("10.42.0.1")!
    /// The node's own address, on `eth0` (a veth whose peer stays in the node namespace); its default route leads nowhere (nothing leaves the machine).
    public static let nodeAddress = IPAddress("192.168.50.10")!
    public static let nodeGateway = IPAddress("192.168.50.1")!

    public static let web1 = DemoPod(name: "web-1", address: IPAddress("10.42.0.2")!, hostInterface: "vethweb1", listensOn: [80, 9090])
    public static let web2 = DemoPod(name: "web-2", address: IPAddress("10.42.0.3")!, hostInterface: "vethweb2", listensOn: [80, 9090])
    public static let client = DemoPod(name: "client", address: IPAddress("10.42.0.10")!, hostInterface: "vethclient", listensOn: [])
    /// A ServiceLB (klipper-lb) style pod that holds hostPort 80 but whose proxy is not running.
    public static let svclb = DemoPod(name: "svclb", address: IPAddress("10.42.0.20")!, hostInterface: "vethsvclb", listensOn: [])
    public static let pods = [web1, web2, client, svclb]

    /// `demo/web`: http 80 → 80 (NodePort 30080) and metrics 9090 → 9090, endpoints web-1 and web-2.
    public static let web = KubeService(
        namespace: kubernetesNamespace, name: "web", clusterIP: IPAddress("10.43.0.10")!,
        ports: [KubeService.Port(name: "http", port: 80, targetPort: 80, nodePort: 30080),
                KubeService.Port(name: "metrics", port: 9090, targetPort: 9090)],
        endpoints: [web1.address, web2.address])
    /// `demo/empty`: http 80 with no endpoints, which kube-proxy rejects.
    public static let empty = KubeService(
        namespace: kubernetesNamespace, name: "empty", clusterIP: IPAddress("10.43.0.20")!,
        ports: [KubeService.Port(name: "http", port: 80, targetPort: 80)], endpoints: [])
    public static let services = [web, empty]

    /// kube-proxy's rules for the lab's services.
    public static var kubeProxyRules: KubeProxyRules { KubeProxyRules(services: services, clusterCIDR: clusterCIDR) }

    /// K3s's default `--service-cidr`.
    public static let serviceCIDR = IPPrefix("10.43.0.0/16")!

    /// kube-proxy's nftables-mode rules for the lab's services.
    public static var kubeProxyNFTRules: KubeProxyNFTRules {
        KubeProxyNFTRules(services: services, clusterCIDR: clusterCIDR, serviceCIDR: serviceCIDR, nodeAddresses: [nodeAddress])
    }

    /// flannel's forward accepts and pod masquerade, as K3s's flannel installs them.
    public static var flannelRules: String {
        let cluster = clusterCIDR, node = nodePodCIDR
        return """
            *filter
            :FLANNEL-FWD - [0:0]
            -A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD
            -A FLANNEL-FWD -s \(cluster) -m comment --comment "flanneld forward" -j ACCEPT
            -A FLANNEL-FWD -d \(cluster) -m comment --comment "flanneld forward" -j ACCEPT
            COMMIT
            *nat
            :FLANNEL-POSTRTG - [0:0]
            -A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG
            -A FLANNEL-POSTRTG -m mark --mark 0x4000/0x4000 -m comment --comment "flanneld masq" -j RETURN
            -A FLANNEL-POSTRTG -s \(node) -d \(cluster) -m comment --comment "flanneld masq" -j RETURN
            -A FLANNEL-POSTRTG -s \(cluster) -d \(node) -m comment --comment "flanneld masq" -j RETURN
            -A FLANNEL-POSTRTG ! -s \(cluster) -d \(node) -m comment --comment "flanneld masq" -j RETURN
            -A FLANNEL-POSTRTG -s \(cluster) ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully
            -A FLANNEL-POSTRTG ! -s \(cluster) -d \(cluster) -m comment --comment "flanneld masq" -j MASQUERADE --random-fully
            COMMIT

            """
    }
}
