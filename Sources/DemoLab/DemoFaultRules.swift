/// The rules each fault loads: `iptables-nft-restore --noflush` input, or an `nft -f` ruleset.
enum DemoFaultRules {
    /// What to load, and where.
    struct Load {
        var namespace: FaultSite.NamespaceRole
        var backend: FaultSite.Backend
        var text: String
    }

    static let svclbSandboxID = "5b0d0c8a1e3f4a6b9c7d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b"
    static var hostPortChain: String { "CNI-DN-" + KubeProxyChainName.hash("cbr0" + svclbSandboxID).prefix(21) }

    static func podFirewallChain(_ pod: DemoPod) -> String {
        "KUBE-POD-FW-" + KubeProxyChainName.hash(DemoTopology.kubernetesNamespace + pod.name)
    }

    static let policyChain = "KUBE-NWPLCY-" + KubeProxyChainName.hash(DemoTopology.kubernetesNamespace + "allow-metrics-only")

    static func load(for fault: DemoFault) -> Load {
        switch fault {
        case .hostPortWithoutLocalGuard: return Load(namespace: .node, backend: .iptablesNFT, text: hostPort)
        case .transparentProxyRedirect: return Load(namespace: .node, backend: .iptablesNFT, text: transparentProxy)
        case .forwardReject: return Load(namespace: .node, backend: .iptablesNFT, text: dockerUserReject)
        case .networkPolicyDrop: return Load(namespace: .node, backend: .iptablesNFT, text: kubeRouterPolicy)
        case .nftablesNATSamePriority: return Load(namespace: .node, backend: .nftables, text: nftHostPort)
        case .nftablesForwardDrop: return Load(namespace: .node, backend: .nftables, text: nftForwardDrop)
        case .sidecarRedirectWithoutProxy: return Load(namespace: .clientPod, backend: .iptablesNFT, text: istioInit)
        }
    }

    /// CNI portmap for the svclb pod's hostPorts 80 and 443; the PREROUTING jump lacks `--dst-type LOCAL`.
    static var hostPort: String {
        let dn = hostPortChain, svclb = DemoTopology.svclb.address, podCIDR = DemoTopology.nodePodCIDR
        return """
            *nat
            :CNI-HOSTPORT-DNAT - [0:0]
            :CNI-HOSTPORT-MASQ - [0:0]
            :CNI-HOSTPORT-SETMARK - [0:0]
            :\(dn) - [0:0]
            -I PREROUTING 1 -m comment --comment "CNI portfwd reqs" -j CNI-HOSTPORT-DNAT
            -A OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT
            -A POSTROUTING -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ
            -A CNI-HOSTPORT-MASQ -m mark --mark 0x2000/0x2000 -j MASQUERADE
            -A CNI-HOSTPORT-SETMARK -m comment --comment "CNI portfwd masquerade mark" -j MARK --set-xmark 0x2000/0x2000
            -A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"cbr0\\" id: \\"\(svclbSandboxID)\\"" -m multiport --dports 80,443 -j \(dn)
            -A \(dn) -s \(podCIDR) -p tcp -m tcp --dport 80 -j CNI-HOSTPORT-SETMARK
            -A \(dn) -s 127.0.0.1/32 -p tcp -m tcp --dport 80 -j CNI-HOSTPORT-SETMARK
            -A \(dn) -p tcp -m tcp --dport 80 -j DNAT --to-destination \(svclb):80
            -A \(dn) -s \(podCIDR) -p tcp -m tcp --dport 443 -j CNI-HOSTPORT-SETMARK
            -A \(dn) -s 127.0.0.1/32 -p tcp -m tcp --dport 443 -j CNI-HOSTPORT-SETMARK
            -A \(dn) -p tcp -m tcp --dport 443 -j DNAT --to-destination \(svclb):443
            COMMIT

            """
    }

    static var transparentProxy: String {
        """
        *nat
        -I PREROUTING 1 -s \(DemoTopology.clusterCIDR) -p tcp -m tcp --dport 80 -m comment --comment "transparent web proxy (squid intercept)" -j REDIRECT --to-ports 3129
        COMMIT

        """
    }

    static var dockerUserReject: String {
        """
        *filter
        :DOCKER-USER - [0:0]
        -I FORWARD 1 -j DOCKER-USER
        -A DOCKER-USER -s \(DemoTopology.clusterCIDR) -p tcp -m tcp --dport 80 -m comment --comment "block plain HTTP from containers" -j REJECT --reject-with icmp-port-unreachable
        -A DOCKER-USER -j RETURN
        COMMIT

        """
    }

    /// kube-router: a policy in `demo` selecting the web pods and allowing ingress only on tcp 9090.
    static var kubeRouterPolicy: String {
        let namespace = DemoTopology.kubernetesNamespace
        let pods = [DemoTopology.web1, DemoTopology.web2]
        var lines = ["*filter", ":KUBE-ROUTER-FORWARD - [0:0]", ":\(policyChain) - [0:0]"]
        lines += pods.map { ":\(podFirewallChain($0)) - [0:0]" }
        lines.append("-I FORWARD 1 -m comment --comment \"kube-router netpol - \(KubeProxyChainName.hash("forward"))\" -j KUBE-ROUTER-FORWARD")
        for pod in pods {
            let chain = podFirewallChain(pod), where_ = "POD name:\(pod.name) namespace: \(namespace)"
            lines += [
                "-A KUBE-ROUTER-FORWARD -d \(pod.address)/32 -m comment --comment \"rule to jump traffic destined to \(where_) to chain \(chain)\" -j \(chain)",
                "-A \(chain) -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment \"rule for stateful firewall for pod\" -j ACCEPT",
                "-A \(chain) -d \(pod.address)/32 -m comment --comment \"run through nw policy allow-metrics-only\" -j \(policyChain)",
                "-A \(chain) -m mark ! --mark 0x10000/0x10000 -m comment --comment \"rule to DROP traffic destined for \(where_)\" -j DROP",
                "-A \(chain) -j MARK --set-xmark 0x0/0x10000",
            ]
        }
        lines += [
            "-A \(policyChain) -p tcp -m tcp --dport 9090 -m comment --comment \"rule to ACCEPT traffic from all sources to dest pods selected by policy name: allow-metrics-only namespace \(namespace)\" -j MARK --set-xmark 0x10000/0x10000",
            "-A \(policyChain) -m mark --mark 0x10000/0x10000 -j RETURN",
            "COMMIT",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// A hostPort DNAT in native nftables at the same hook and priority as iptables-nft's nat PREROUTING.
    static var nftHostPort: String {
        """
        table ip hostport-dnat {
            chain prerouting {
                type nat hook prerouting priority dstnat; policy accept;
                ip saddr \(DemoTopology.clusterCIDR) tcp dport 80 counter dnat to \(DemoTopology.svclb.address):80 comment "hostPort 80 -> svclb"
            }
        }

        """
    }

    static var nftForwardDrop: String {
        """
        table inet filter {
            chain forward {
                type filter hook forward priority filter; policy accept;
                ct state established,related accept
                iifname "\(DemoTopology.bridge)" tcp dport 80 counter drop comment "no plain HTTP from containers"
            }
        }

        """
    }

    /// istio-init with `traffic.sidecar.istio.io/includeOutboundPorts: "80"`, without its envoy.
    static var istioInit: String {
        """
        *nat
        :ISTIO_INBOUND - [0:0]
        :ISTIO_IN_REDIRECT - [0:0]
        :ISTIO_OUTPUT - [0:0]
        :ISTIO_REDIRECT - [0:0]
        -A OUTPUT -p tcp -j ISTIO_OUTPUT
        -A ISTIO_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006
        -A ISTIO_OUTPUT -s 127.0.0.6/32 -o lo -j RETURN
        -A ISTIO_OUTPUT ! -d 127.0.0.1/32 -o lo -m owner --uid-owner 1337 -j ISTIO_IN_REDIRECT
        -A ISTIO_OUTPUT -o lo -m owner ! --uid-owner 1337 -j RETURN
        -A ISTIO_OUTPUT -m owner --uid-owner 1337 -j RETURN
        -A ISTIO_OUTPUT -d 127.0.0.1/32 -j RETURN
        -A ISTIO_OUTPUT -p tcp -m tcp --dport 80 -j ISTIO_REDIRECT
        -A ISTIO_REDIRECT -p tcp -j REDIRECT --to-ports 15001
        COMMIT

        """
    }
}
