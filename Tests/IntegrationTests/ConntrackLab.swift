import Conntrack
import Foundation
import NetCore
import NetNS
import TestLab

/// A client, a router and a server, like a node's pod → service → backend path:
///
///     client 10.99.0.1 / fd00:99::1  ──  10.99.0.2 / fd00:99::2  router  10.42.0.1 / fd00:42::1  ──  10.42.0.152 / fd00:42::152 server
///
/// The router DNATs the "service" 10.43.143.185 (TCP 80 → 9090, UDP 53 → 5353), sets ct mark 0x2a on the UDP
/// flow (nft `ct mark set`), puts ICMP in conntrack zone 7 (iptables `-j CT --zone 7`), and tracks IPv6.
struct ConntrackLab {
    let client: LabNamespace
    let router: LabNamespace
    let server: LabNamespace

    static let serviceIP = "10.43.143.185"
    static let backendIP = "10.42.0.152"

    init(_ lab: Lab) throws {
        client = try lab.namespace("cli")
        router = try lab.namespace("rtr")
        server = try lab.namespace("srv")
        try lab.veth(client, "eth0", addresses: ["10.99.0.1/24", "fd00:99::1/64"],
                     router, "c0", addresses: ["10.99.0.2/24", "fd00:99::2/64"])
        try lab.veth(router, "s0", addresses: ["10.42.0.1/24", "fd00:42::1/64"],
                     server, "eth0", addresses: ["10.42.0.152/24", "fd00:42::152/64"])
        try client.exec(["ip", "route", "add", "default", "via", "10.99.0.2"])
        try client.exec(["ip", "-6", "route", "add", "default", "via", "fd00:99::2"])
        try server.exec(["ip", "route", "add", "default", "via", "10.42.0.1"])
        try server.exec(["ip", "-6", "route", "add", "default", "via", "fd00:42::1"])
        try router.sysctl("net.ipv4.ip_forward=1")
        try router.sysctl("net.ipv6.conf.all.forwarding=1")
        try router.loadNft("""
            table ip lab {
                chain pre {
                    type nat hook prerouting priority dstnat;
                    ip daddr \(Self.serviceIP) tcp dport 80 dnat to \(Self.backendIP):9090
                    ip daddr \(Self.serviceIP) udp dport 53 dnat to \(Self.backendIP):5353
                }
                chain forwarding {
                    type filter hook forward priority filter;
                    udp dport 5353 ct mark set 0x2a
                }
            }
            table ip6 lab6 {
                chain forwarding {
                    type filter hook forward priority filter;
                    ct state new,established accept
                }
            }
            """)
        try router.loadIptables("""
            *raw
            :PREROUTING ACCEPT [0:0]
            -A PREROUTING -p icmp -j CT --zone 7
            COMMIT
            """)
    }

    /// Waits until no address is tentative (link-local addresses go through DAD, and neighbour discovery
    /// needs them), so the first IPv6 SYN is not lost.
    func waitForIPv6() throws {
        for _ in 0..<50 {
            let tentative = try [client, router, server].map { try $0.exec(["ip", "-6", "addr", "show", "tentative"]) }
            if tentative.allSatisfy({ $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    /// A reader on the router's table.
    func routerReader() throws -> ConntrackReader {
        try ConntrackReader(namespace: NamespaceHandle(path: router.path))
    }

    /// Every flow of the router that passes `filter`.
    func routerFlows(_ filter: ConntrackFilter = ConntrackFilter()) throws -> [Flow] {
        var flows: [Flow] = []
        try routerReader().flows(matching: filter) { flows.append($0) }
        return flows
    }
}

extension LabNamespace {
    /// Sends one ICMP echo request (raw socket) and waits for the reply; true when it came.
    func ping(_ address: String, id: UInt16, timeout: Double = 2) throws -> Bool {
        let handle = try NamespaceHandle(path: path)
        return try NetNS.run(in: handle) { ICMPEcho.exchange(address, id: id, timeout: timeout) }
    }
}

/// A minimal ICMP echo over a raw socket: nfscope's tests carry no ping binary.
enum ICMPEcho {
    static func exchange(_ address: String, id: UInt16, timeout: Double) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_RAW.rawValue), Int32(IPPROTO_ICMP))
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        guard inet_pton(AF_INET, address, &target.sin_addr) == 1 else { return false }
        var packet: [UInt8] = [8, 0, 0, 0, UInt8(id >> 8), UInt8(id & 0xff), 0, 1] + Array("nfscope".utf8)
        let sum = checksum(packet)
        packet[2] = UInt8(sum >> 8); packet[3] = UInt8(sum & 0xff)
        let sent = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, packet, packet.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard sent == packet.count else { return false }
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 1500)
        while Date() < deadline {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(max(1, deadline.timeIntervalSinceNow * 1000))) > 0 else { return false }
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count >= 28 else { continue }
            let header = Int(buffer[0] & 0x0f) * 4
            if buffer[header] == 0, UInt16(buffer[header + 4]) << 8 | UInt16(buffer[header + 5]) == id { return true }
        }
        return false
    }

    static func checksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        var index = 0
        while index + 1 < bytes.count { sum += UInt32(bytes[index]) << 8 | UInt32(bytes[index + 1]); index += 2 }
        if index < bytes.count { sum += UInt32(bytes[index]) << 8 }
        while sum >> 16 != 0 { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(sum)
    }
}
