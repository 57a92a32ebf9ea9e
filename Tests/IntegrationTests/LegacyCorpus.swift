import Foundation
import Testing

/// Rulesets loaded with `iptables-legacy-restore` / `ip6tables-legacy-restore` in the differential tests:
/// the shapes kube-proxy, kube-router and the CNI portmap plugin write, and one case per extension the
/// Xtables module decodes. Each is read back by nfscope and compared with `iptables-legacy-save`.
struct LegacyCase: Sendable, CustomTestStringConvertible {
    var name: String
    var ipv6 = false
    var rules: String
    var testDescription: String { name }
}

private let natHeader = """
    *nat
    :PREROUTING ACCEPT [0:0]
    :INPUT ACCEPT [0:0]
    :OUTPUT ACCEPT [0:0]
    :POSTROUTING ACCEPT [0:0]

    """

private let filterHeader = """
    *filter
    :INPUT ACCEPT [0:0]
    :FORWARD ACCEPT [0:0]
    :OUTPUT ACCEPT [0:0]

    """

private let mangleHeader = """
    *mangle
    :PREROUTING ACCEPT [0:0]
    :INPUT ACCEPT [0:0]
    :FORWARD ACCEPT [0:0]
    :OUTPUT ACCEPT [0:0]
    :POSTROUTING ACCEPT [0:0]

    """

enum LegacyCorpus {
    static let shapes: [LegacyCase] = [
        LegacyCase(name: "kube-proxy (iptables mode)", rules: natHeader + """
            :KUBE-SERVICES - [0:0]
            :KUBE-POSTROUTING - [0:0]
            :KUBE-MARK-MASQ - [0:0]
            :KUBE-NODEPORTS - [0:0]
            :KUBE-SVC-TCOU7JCQXEZGVUNU - [0:0]
            :KUBE-SEP-IT2ZTR26TO4XFPTO - [0:0]
            :KUBE-SEP-ZP3FB6NMPNCO4VBJ - [0:0]
            -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
            -A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
            -A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
            -A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
            -A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
            -A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0
            -A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
            -A KUBE-SERVICES -d 10.96.0.10/32 -p udp -m comment --comment "kube-system/kube-dns:dns cluster IP" -m udp --dport 53 -j KUBE-SVC-TCOU7JCQXEZGVUNU
            -A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
            -A KUBE-SVC-TCOU7JCQXEZGVUNU ! -s 10.42.0.0/16 -d 10.96.0.10/32 -p udp -m comment --comment "kube-system/kube-dns:dns cluster IP" -m udp --dport 53 -j KUBE-MARK-MASQ
            -A KUBE-SVC-TCOU7JCQXEZGVUNU -m comment --comment "kube-system/kube-dns:dns -> 10.42.0.5:53" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-IT2ZTR26TO4XFPTO
            -A KUBE-SVC-TCOU7JCQXEZGVUNU -m comment --comment "kube-system/kube-dns:dns -> 10.42.0.6:53" -j KUBE-SEP-ZP3FB6NMPNCO4VBJ
            -A KUBE-SEP-IT2ZTR26TO4XFPTO -s 10.42.0.5/32 -m comment --comment "kube-system/kube-dns:dns" -j KUBE-MARK-MASQ
            -A KUBE-SEP-IT2ZTR26TO4XFPTO -p udp -m comment --comment "kube-system/kube-dns:dns" -m udp -j DNAT --to-destination 10.42.0.5:53
            -A KUBE-SEP-ZP3FB6NMPNCO4VBJ -s 10.42.0.6/32 -m comment --comment "kube-system/kube-dns:dns" -j KUBE-MARK-MASQ
            -A KUBE-SEP-ZP3FB6NMPNCO4VBJ -p udp -m comment --comment "kube-system/kube-dns:dns" -m udp -j DNAT --to-destination 10.42.0.6:53
            COMMIT

            """ + filterHeader + """
            :KUBE-FIREWALL - [0:0]
            :KUBE-FORWARD - [0:0]
            :KUBE-EXTERNAL-SERVICES - [0:0]
            -A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES
            -A INPUT -j KUBE-FIREWALL
            -A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD
            -A OUTPUT -j KUBE-FIREWALL
            -A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
            -A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
            -A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
            -A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
            COMMIT

            """),
        LegacyCase(name: "kube-router (network policy)", rules: filterHeader + """
            :KUBE-ROUTER-FORWARD - [0:0]
            :KUBE-ROUTER-INPUT - [0:0]
            :KUBE-ROUTER-OUTPUT - [0:0]
            :KUBE-NWPLCY-DEFAULT - [0:0]
            :KUBE-POD-FW-GQRJ7UQ3ZT5K2D3M - [0:0]
            -A INPUT -m comment --comment "kube-router netpol - 4IA2OSFRMVNDXBVV" -j KUBE-ROUTER-INPUT
            -A FORWARD -m comment --comment "kube-router netpol - TEMCG2JMHZYE7H7T" -j KUBE-ROUTER-FORWARD
            -A OUTPUT -m comment --comment "kube-router netpol - VEAAIY32XVBHCSCY" -j KUBE-ROUTER-OUTPUT
            -A KUBE-NWPLCY-DEFAULT -m comment --comment "rule to mark traffic matching a network policy" -j MARK --set-xmark 0x10000/0x10000
            -A KUBE-POD-FW-GQRJ7UQ3ZT5K2D3M -m comment --comment "rule for stateful firewall for pod" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
            -A KUBE-POD-FW-GQRJ7UQ3ZT5K2D3M -d 10.42.0.9/32 -m comment --comment "rule to permit the traffic traffic to pods when source is the pod's local node" -m addrtype --src-type LOCAL -j ACCEPT
            -A KUBE-POD-FW-GQRJ7UQ3ZT5K2D3M -s 10.42.0.9/32 -m comment --comment "run through default egress network policy  chain" -j KUBE-NWPLCY-DEFAULT
            -A KUBE-POD-FW-GQRJ7UQ3ZT5K2D3M -m comment --comment "rule to log dropped traffic POD name:web-1 namespace: default" -m mark ! --mark 0x10000/0x10000 -j NFLOG --nflog-group 100
            -A KUBE-POD-FW-GQRJ7UQ3ZT5K2D3M -m comment --comment "rule to REJECT traffic destined for POD name:web-1 namespace: default" -m mark ! --mark 0x10000/0x10000 -j REJECT --reject-with icmp-port-unreachable
            -A KUBE-POD-FW-GQRJ7UQ3ZT5K2D3M -j MARK --set-xmark 0x0/0x10000
            -A KUBE-ROUTER-FORWARD -d 10.42.0.9/32 -m comment --comment "rule to jump traffic destined to POD name:web-1 namespace: default to chain KUBE-POD-FW-GQRJ7UQ3ZT5K2D3M" -j KUBE-POD-FW-GQRJ7UQ3ZT5K2D3M
            -A KUBE-ROUTER-FORWARD -s 10.42.0.9/32 -m comment --comment "rule to jump traffic from POD name:web-1 namespace: default to chain KUBE-POD-FW-GQRJ7UQ3ZT5K2D3M" -j KUBE-POD-FW-GQRJ7UQ3ZT5K2D3M
            -A KUBE-ROUTER-INPUT -d 10.96.0.0/12 -m comment --comment "allow traffic to primary cluster IP range - EOWDOMZHH6NNHZUF" -j RETURN
            -A KUBE-ROUTER-INPUT -p tcp -m comment --comment "allow LOCAL TCP traffic to node ports - LR7XO7NXDBGQJD2M" -m addrtype --dst-type LOCAL -m multiport --dports 30000:32767 -j RETURN
            -A KUBE-ROUTER-OUTPUT -s 10.42.0.9/32 -m comment --comment "rule to jump traffic from POD name:web-1 namespace: default to chain KUBE-POD-FW-GQRJ7UQ3ZT5K2D3M" -j KUBE-POD-FW-GQRJ7UQ3ZT5K2D3M
            COMMIT

            """),
        LegacyCase(name: "CNI portmap", rules: natHeader + """
            :CNI-HOSTPORT-DNAT - [0:0]
            :CNI-HOSTPORT-SETMARK - [0:0]
            :CNI-HOSTPORT-MASQ - [0:0]
            :CNI-DN-1b6a3f0e4c2d8e9f7a5b1 - [0:0]
            -A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT
            -A OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT
            -A POSTROUTING -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ
            -A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"cbr0\\" id: \\"a1b2c3\\"" -m multiport --dports 8080,8443 -j CNI-DN-1b6a3f0e4c2d8e9f7a5b1
            -A CNI-DN-1b6a3f0e4c2d8e9f7a5b1 -s 10.88.0.0/16 -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK
            -A CNI-DN-1b6a3f0e4c2d8e9f7a5b1 -s 127.0.0.1/32 -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK
            -A CNI-DN-1b6a3f0e4c2d8e9f7a5b1 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.88.0.5:80
            -A CNI-DN-1b6a3f0e4c2d8e9f7a5b1 -p tcp -m tcp --dport 8443 -j DNAT --to-destination 10.88.0.5:443
            -A CNI-HOSTPORT-MASQ -m mark --mark 0x2000/0x2000 -j MASQUERADE
            -A CNI-HOSTPORT-SETMARK -m comment --comment "CNI portfwd masquerade mark" -j MARK --set-xmark 0x2000/0x2000
            COMMIT

            """),
        LegacyCase(name: "K3s flannel and Docker, all five tables", rules: """
            *raw
            :PREROUTING ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            -A PREROUTING -d 172.17.0.2/32 ! -i docker0 -j DROP
            -A PREROUTING -p udp -m udp --dport 53 -j CT --notrack
            COMMIT
            *security
            :INPUT ACCEPT [0:0]
            :FORWARD ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
            COMMIT

            """ + mangleHeader + """
            -A PREROUTING -i flannel.1 -j MARK --set-xmark 0x1/0xffffffff
            -A POSTROUTING -o docker0 -p udp -m udp --dport 68 -j CHECKSUM --checksum-fill
            COMMIT

            """ + natHeader + """
            :DOCKER - [0:0]
            :FLANNEL-POSTRTG - [0:0]
            -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
            -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
            -A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG
            -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
            -A DOCKER -i docker0 -j RETURN
            -A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
            -A FLANNEL-POSTRTG -m mark --mark 0x4000/0x4000 -m comment --comment "flanneld masq" -j RETURN
            -A FLANNEL-POSTRTG -s 10.42.0.0/24 -d 10.42.0.0/16 -m comment --comment "flanneld masq" -j RETURN
            -A FLANNEL-POSTRTG -s 10.42.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully
            COMMIT

            """ + filterHeader.replacingOccurrences(of: ":FORWARD ACCEPT", with: ":FORWARD DROP") + """
            :DOCKER - [0:0]
            :DOCKER-ISOLATION-STAGE-1 - [0:0]
            :DOCKER-ISOLATION-STAGE-2 - [0:0]
            :DOCKER-USER - [0:0]
            :FLANNEL-FWD - [0:0]
            -A FORWARD -j DOCKER-USER
            -A FORWARD -j DOCKER-ISOLATION-STAGE-1
            -A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
            -A FORWARD -o docker0 -j DOCKER
            -A FORWARD -i docker0 ! -o docker0 -j ACCEPT
            -A FORWARD -i docker0 -o docker0 -j ACCEPT
            -A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD
            -A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT
            -A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2
            -A DOCKER-ISOLATION-STAGE-1 -j RETURN
            -A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP
            -A DOCKER-ISOLATION-STAGE-2 -j RETURN
            -A DOCKER-USER -j RETURN
            -A FLANNEL-FWD -s 10.42.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT
            -A FLANNEL-FWD -d 10.42.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT
            COMMIT

            """),
        LegacyCase(name: "kube-proxy IPv6", ipv6: true, rules: natHeader + """
            :KUBE-SERVICES - [0:0]
            :KUBE-SVC-X - [0:0]
            :KUBE-SEP-Y - [0:0]
            -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
            -A KUBE-SERVICES -d fd00:10:96::a/128 -p tcp -m comment --comment "default/web cluster IP" -m tcp --dport 80 -j KUBE-SVC-X
            -A KUBE-SVC-X -m comment --comment "default/web -> [fd00:10:42::5]:8080" -j KUBE-SEP-Y
            -A KUBE-SEP-Y -s fd00:10:42::5/128 -j MARK --set-xmark 0x4000/0x4000
            -A KUBE-SEP-Y -p tcp -m tcp -j DNAT --to-destination [fd00:10:42::5]:8080
            COMMIT

            """ + filterHeader + """
            :KUBE-FW - [0:0]
            -A INPUT -s 2001:db8::/ffff:0:ffff:: -i veth+ ! -p tcp -j DROP
            -A INPUT -d ::ffff:1.2.3.4/128 -p ipv6-icmp -j ACCEPT
            -A INPUT -m conntrack --ctstate INVALID -j REJECT --reject-with icmp6-adm-prohibited
            -A INPUT -p tcp -g KUBE-FW
            -A FORWARD ! -i eth0 -o veth+ -j KUBE-FW
            -A KUBE-FW -j RETURN
            COMMIT

            """),
    ]

    /// The standard part, and one case per extension the Xtables module decodes.
    static let extensions: [LegacyCase] = [
        LegacyCase(name: "standard part", rules: filterHeader.replacingOccurrences(of: ":INPUT ACCEPT", with: ":INPUT DROP") + """
            :A - [0:0]
            :B - [0:0]
            -A INPUT ! -s 0.0.0.0/0 ! -p udp ! -f -g B
            -A INPUT -p gre
            -A INPUT -p 200 -j RETURN
            -A INPUT -p icmp -j QUEUE
            -A FORWARD -s 10.0.0.1/32 -d 10.0.0.0/255.0.255.0 -i eth+ ! -o lo -p gre -f -j A
            -A B -p sctp -j DROP
            -A B -i eth0
            COMMIT

            """),
        LegacyCase(name: "comment", rules: filterHeader + """
            -A INPUT -m comment --comment plain -j ACCEPT
            -A INPUT -m comment --comment "with \\"quotes\\" and spaces" -j ACCEPT
            COMMIT

            """),
        LegacyCase(name: "statistic", rules: filterHeader + """
            -A INPUT -m statistic --mode random --probability 0.33333333349 -j ACCEPT
            -A INPUT -m statistic --mode nth --every 3 --packet 1 -j ACCEPT
            -A INPUT -m statistic --mode random ! --probability 0.25000000000 -j DROP
            COMMIT

            """),
        LegacyCase(name: "addrtype", rules: filterHeader + """
            -A INPUT -m addrtype --dst-type LOCAL -j ACCEPT
            -A INPUT -m addrtype ! --src-type LOCAL --limit-iface-in -j DROP
            -A OUTPUT -m addrtype --dst-type BROADCAST,MULTICAST --limit-iface-out -j ACCEPT
            COMMIT

            """),
        LegacyCase(name: "conntrack and state", rules: filterHeader + """
            -A INPUT -m conntrack --ctstate INVALID -j DROP
            -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
            -A INPUT -m conntrack --ctstatus ASSURED -j ACCEPT
            -A INPUT -m conntrack --ctorigdst 10.96.0.0/12 --ctorigdstport 443 -j ACCEPT
            -A INPUT -m state --state NEW -j ACCEPT
            COMMIT

            """),
        LegacyCase(name: "recent", rules: filterHeader + """
            -A INPUT -m recent --set --name SSH --mask 255.255.255.255 --rsource
            -A INPUT -m recent --update --seconds 60 --hitcount 4 --name SSH --mask 255.255.255.255 --rsource -j DROP
            COMMIT

            """),
        LegacyCase(name: "REJECT", rules: filterHeader + """
            -A INPUT -p tcp -j REJECT --reject-with tcp-reset
            -A INPUT -j REJECT --reject-with icmp-host-prohibited
            -A INPUT -j REJECT --reject-with icmp-port-unreachable
            COMMIT

            """),
        LegacyCase(name: "NAT targets", rules: natHeader + """
            -A PREROUTING -p tcp -j DNAT --to-destination 10.42.0.5:8080
            -A PREROUTING -d 10.0.0.1/32 -j DNAT --to-destination 10.42.0.5-10.42.0.7
            -A PREROUTING -p tcp -j REDIRECT --to-ports 8080-8090
            -A POSTROUTING -s 10.42.0.0/16 -j SNAT --to-source 192.168.1.1
            -A POSTROUTING -o eth0 -j MASQUERADE --random-fully
            -A POSTROUTING -p udp -j MASQUERADE --to-ports 1024-2048
            COMMIT

            """),
        LegacyCase(name: "MARK", rules: mangleHeader + """
            -A PREROUTING -j MARK --set-xmark 0x4000/0x4000
            -A PREROUTING -j MARK --set-xmark 0x1/0xffffffff
            -A OUTPUT -j MARK --and-mark 0xff
            -A OUTPUT -j MARK --or-mark 0x100
            COMMIT

            """),
        LegacyCase(name: "IPv6 extensions", ipv6: true, rules: filterHeader + """
            -A INPUT -s 2001:db8::1/128 -m comment --comment v6 -j ACCEPT
            -A INPUT -m addrtype --dst-type LOCAL -j ACCEPT
            -A INPUT -m conntrack --ctorigsrc 2001:db8::/32 -j ACCEPT
            -A INPUT -p tcp -j REJECT --reject-with tcp-reset
            -A INPUT -m recent --set --name V6 --mask ffff:ffff:ffff:ffff:: --rsource
            COMMIT

            """),
    ]
}
