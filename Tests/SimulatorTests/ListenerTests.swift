import NetCore
@testable import Simulator
import Testing

/// Which packets reach a listening socket, as `__inet_lookup_listener` / `inet6_lookup_listener` decide.
@Suite struct ListenerTests {
    let v4 = IPAddress.v4(0x0a4d_0001)  // 10.77.0.1
    var mapped: IPAddress { IPAddress(networkBytes: [UInt8](repeating: 0, count: 10) + [0xff, 0xff, 10, 77, 0, 1])! }
    var v6: IPAddress { IPAddress(networkBytes: [0xfd, 0x77] + [UInt8](repeating: 0, count: 13) + [1])! }

    @Test func wildcardsByFamilyAndV6Only() {
        let any4 = Listener(proto: .tcp, address: .unspecified(.ipv4), port: 80)
        let dual = Listener(proto: .tcp, address: .unspecified(.ipv6), port: 80)
        let only6 = Listener(proto: .tcp, address: .unspecified(.ipv6), port: 80, v6Only: true)
        #expect(any4.accepts(.tcp, v4, 80, arrival: 2))
        #expect(!any4.accepts(.tcp, v6, 80, arrival: 2))
        #expect(dual.accepts(.tcp, v4, 80, arrival: 2))
        #expect(dual.accepts(.tcp, v6, 80, arrival: 2))
        #expect(!only6.accepts(.tcp, v4, 80, arrival: 2))
        #expect(only6.accepts(.tcp, v6, 80, arrival: 2))
        #expect(!any4.accepts(.udp, v4, 80, arrival: 2))
        #expect(!any4.accepts(.tcp, v4, 81, arrival: 2))
    }

    @Test func aV4MappedBindTakesItsIPv4Address() {
        let listener = Listener(proto: .tcp, address: mapped, port: 85)
        #expect(listener.accepts(.tcp, v4, 85, arrival: 2))
        #expect(!listener.accepts(.tcp, .v4(0x0a4d_0002), 85, arrival: 2))
        #expect(!listener.accepts(.tcp, v6, 85, arrival: 2))
    }

    @Test func aDeviceBoundSocketTakesOnlyItsInterface() {
        let listener = Listener(proto: .udp, address: .unspecified(.ipv4), port: 53, boundInterface: 3)
        #expect(listener.accepts(.udp, v4, 53, arrival: 3))
        #expect(!listener.accepts(.udp, v4, 53, arrival: 1))
        #expect(!listener.accepts(.udp, v4, 53, arrival: nil))
    }
}
