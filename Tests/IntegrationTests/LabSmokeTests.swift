import Testing
import TestLab

@Suite("test lab", .serialized, .enabled(if: Shell.isRoot, "needs root: creates network namespaces"))
struct LabSmokeTests {
    @Test("a veth pair carries TCP between two namespaces; a closed port is refused")
    func vethCarriesTCP() throws {
        try withLab { lab in
            let client = try lab.namespace("client")
            let server = try lab.namespace("server")
            try lab.veth(client, "eth0", addresses: ["10.99.0.1/24"], server, "eth0", addresses: ["10.99.0.2/24"])
            let listener = try server.listenTCP(port: 8080)
            defer { listener.close() }
            #expect(try client.connectTCP(to: "10.99.0.2", port: 8080) == .ok)
            #expect(try client.connectTCP(to: "10.99.0.2", port: 8081) == .refused)
            #expect(try client.connectTCP(to: "10.99.1.2", port: 8080) == .unreachable)
        }
    }

    @Test("UDP echo answers; a closed UDP port is refused")
    func udpEcho() throws {
        try withLab { lab in
            let client = try lab.namespace("client")
            let server = try lab.namespace("server")
            try lab.veth(client, "eth0", addresses: ["10.99.0.1/24"], server, "eth0", addresses: ["10.99.0.2/24"])
            let listener = try server.listenUDPEcho(port: 5353)
            defer { listener.close() }
            #expect(try client.exchangeUDP(to: "10.99.0.2", port: 5353) == .ok)
            #expect(try client.exchangeUDP(to: "10.99.0.2", port: 5354) == .refused)
        }
    }
}
