import Foundation
import NetCore
import NetNS
import NFScope
import Simulator
import SockDiag
import Testing
import TestLab

/// Listeners read over sock_diag, judged by `ss -Hltn` / `ss -Hlun` in the same throwaway namespace: TCP and
/// UDP, IPv4 and IPv6, wildcard and specific addresses, dual-stack and v6only wildcards, a v4-mapped bind,
/// device-bound sockets; connected sockets (an established TCP pair, a connected UDP socket) must not count.
@Suite("listeners over sock_diag, judged by ss", .serialized,
       .enabled(if: Shell.isRoot, "needs root: creates network namespaces"))
struct ListenerSockDiagTests {
    /// A Python process that opens the sockets, writes `ready`, and sleeps until killed at teardown.
    static let script = #"""
        import socket, sys, time
        S = socket
        keep = []
        def bind(family, kind, address, port, v6only=None, device=None, listen=True):
            s = S.socket(family, kind)
            if v6only is not None: s.setsockopt(S.IPPROTO_IPV6, S.IPV6_V6ONLY, v6only)
            if device: s.setsockopt(S.SOL_SOCKET, S.SO_BINDTODEVICE, device.encode())
            s.bind((address, port))
            if kind == S.SOCK_STREAM and listen: s.listen()
            keep.append(s)
            return s
        T, U, V4, V6 = S.SOCK_STREAM, S.SOCK_DGRAM, S.AF_INET, S.AF_INET6
        bind(V4, T, "0.0.0.0", 80); bind(V4, T, "10.77.0.1", 81); bind(V6, T, "::", 82, v6only=0)
        bind(V6, T, "::", 83, v6only=1); bind(V6, T, "fd77::1", 84); bind(V6, T, "::ffff:10.77.0.1", 85)
        bind(V4, T, "10.77.0.1", 86, device="d0"); bind(V6, T, "::", 87, v6only=0, device="d0")
        bind(V4, T, "127.0.0.1", 88); bind(V4, T, "0.0.0.0", 89); bind(V4, T, "0.0.0.0", 89 + 1, listen=False)
        bind(V4, U, "0.0.0.0", 53); bind(V6, U, "::", 53, v6only=1); bind(V6, U, "::", 54, v6only=0)
        bind(V4, U, "10.77.0.1", 55, device="d0"); bind(V6, U, "fd77::1", 56)
        # Not listeners: an established TCP pair and a connected UDP socket.
        c = S.socket(V4, T); c.connect(("127.0.0.1", 88)); keep.append(c)
        u = S.socket(V4, U); u.bind(("127.0.0.1", 57)); u.connect(("127.0.0.1", 53)); keep.append(u)
        open(sys.argv[1], "w").write("ready")
        time.sleep(600)
        """#

    @Test func listenersEqualWhatSsShows() throws {
        try withLab { lab in
            let namespace = try lab.namespace("listen")
            let peer = try lab.namespace("peer")
            try lab.veth(namespace, "d0", addresses: ["10.77.0.1/24", "fd77::1/64"], peer, "p0")
            let ready = FileManager.default.temporaryDirectory.appendingPathComponent("\(lab.prefix)-listeners-ready").path
            defer { try? FileManager.default.removeItem(atPath: ready) }
            try lab.spawn(namespace, ["python3", "-c", Self.script, ready])
            let deadline = Date().addingTimeInterval(10)
            while !FileManager.default.fileExists(atPath: ready), Date() < deadline { usleep(20_000) }
            #expect(FileManager.default.fileExists(atPath: ready), "the listener process did not start")

            let (model, start) = try NetworkModelReader().read(from: namespace.path)
            let nsModel = try #require(model.namespaces[start])
            let ours = nsModel.listeners.map { Self.ssText($0, nsModel) }
            let oracle = try ["-Hltn", "-Hlun"].flatMap { flag in
                try namespace.exec(["ss", flag]).split(separator: "\n").compactMap { line -> String? in
                    let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                    guard fields.count >= 4 else { return nil }
                    return "\(flag == "-Hltn" ? "tcp" : "udp") \(fields[3])"
                }
            }
            #expect(ours.count == 15)
            #expect(Set(ours) == Set(oracle))
            #expect(ours.count == oracle.count)
            // What the decoding must have caught that /proc cannot show.
            #expect(nsModel.listeners.contains { $0.port == 83 && $0.v6Only })
            #expect(nsModel.listeners.contains { $0.port == 82 && !$0.v6Only })
            #expect(nsModel.listeners.contains { $0.port == 86 && $0.boundInterface != nil })
        }
    }

    /// A listener as `ss -n` prints the local address: `*` is an IPv6 wildcard that also takes IPv4.
    static func ssText(_ listener: Listener, _ model: NamespaceModel) -> String {
        var address: String
        if listener.address.family == .ipv4 {
            address = "\(listener.address)"
        } else if listener.address == .unspecified(.ipv6), !listener.v6Only {
            address = "*"
        } else {
            address = "[\(listener.address)]"
        }
        if let index = listener.boundInterface {
            address += "%" + (model.routes.link(index: index)?.name ?? "if\(index)")
        }
        return "\(listener.proto) \(address):\(listener.port)"
    }
}
