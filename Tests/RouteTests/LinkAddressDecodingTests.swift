import NetCore
import Netlink
import Route
import Testing

@Suite("decoding links and addresses")
struct LinkAddressDecodingTests {
    @Test("a veth whose peer is in another namespace: kind, peer index, link netnsid, master, MTU, MAC")
    func vethLink() throws {
        var builder = MessageBuilder.link(index: 7)
        builder.attributes.string(3, "veth-a")                          // IFLA_IFNAME
        builder.attributes.u32(4, 1450)                                 // IFLA_MTU
        builder.attributes.raw(1, [0x02, 0, 0, 0, 0, 0x0a])             // IFLA_ADDRESS
        builder.attributes.raw(2, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff]) // IFLA_BROADCAST
        builder.attributes.i32(5, 12)                                   // IFLA_LINK
        builder.attributes.i32(10, 3)                                   // IFLA_MASTER
        builder.attributes.u8(16, 6)                                    // IFLA_OPERSTATE UP
        builder.attributes.i32(37, 2)                                   // IFLA_LINK_NETNSID
        builder.attributes.string(20, "uplink to b")                    // IFLA_IFALIAS
        builder.attributes.raw(300, [1, 2, 3])                          // an attribute from the future
        builder.attributes.nest(18) { info in                           // IFLA_LINKINFO
            info.string(1, "veth")
            info.string(4, "bridge")
            info.nest(5) { $0.u16(1, 0) }                               // slave data: skipped
        }
        let link = try Link(decoding: builder.message())
        #expect(link.index == 7)
        #expect(link.name == "veth-a")
        #expect(link.kind == .veth)
        #expect(link.portKind == .bridge)
        #expect(link.mtu == 1450)
        #expect(link.address?.description == "02:00:00:00:00:0a")
        #expect(link.parentIndex == 12)
        #expect(link.masterIndex == 3)
        #expect(link.linkNamespaceID == 2)
        #expect(link.operationalState == .up)
        #expect(link.alias == "uplink to b")
        #expect(link.isUp)
        #expect(link.flags.names == ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"])
    }

    @Test("a vxlan link's VNI, port, local address and underlay device")
    func vxlanLink() throws {
        var builder = MessageBuilder.link(index: 9)
        builder.attributes.string(3, "vx0")
        builder.attributes.nest(18) { info in
            info.string(1, "vxlan")
            info.nest(2) { data in
                data.u32(1, 4242)                // IFLA_VXLAN_ID
                data.address(4, "192.0.2.1")     // IFLA_VXLAN_LOCAL
                data.address(16, "ff05::42")     // IFLA_VXLAN_GROUP6
                data.u32(3, 2)                   // IFLA_VXLAN_LINK
                data.u16BigEndian(15, 4789)      // IFLA_VXLAN_PORT
                data.u8(7, 1)                    // IFLA_VXLAN_LEARNING: not modelled
            }
        }
        let link = try Link(decoding: builder.message())
        #expect(link.kind == .vxlan)
        #expect(link.vxlan == VXLANInfo(id: 4242, port: 4789, local: IPAddress("192.0.2.1"),
                                        group: IPAddress("ff05::42"), underlayIndex: 2))
    }

    @Test("a link without a name, or with a short MTU attribute, is a DecodeError")
    func malformedLinks() throws {
        var nameless = MessageBuilder.link(index: 1)
        nameless.attributes.u32(4, 1500)
        #expect(throws: DecodeError.self) { try Link(decoding: nameless.message()) }

        var shortMTU = MessageBuilder.link(index: 1)
        shortMTU.attributes.string(3, "eth0")
        shortMTU.attributes.raw(4, [1, 2])
        #expect(throws: DecodeError.self) { try Link(decoding: shortMTU.message()) }

        var wrongType = MessageBuilder.link(index: 1)
        wrongType.type = 24
        wrongType.attributes.string(3, "eth0")
        #expect(throws: DecodeError.self) { try Link(decoding: wrongType.message()) }
    }

    @Test("an IPv4 address with local, broadcast and label; an IPv6 one with only IFA_ADDRESS and IFA_FLAGS")
    func addresses() throws {
        var v4 = MessageBuilder.address(family: 2, prefixLength: 24, index: 4)
        v4.attributes.address(1, "10.0.0.1")
        v4.attributes.address(2, "10.0.0.1")
        v4.attributes.address(4, "10.0.0.255")
        v4.attributes.string(3, "eth0:web")
        v4.attributes.raw(6, [UInt8](repeating: 0, count: 16))   // IFA_CACHEINFO: skipped
        let address = try InterfaceAddress(decoding: v4.message())
        #expect(address.family == .ipv4)
        #expect(address.prefix == IPPrefix("10.0.0.1/24"))
        #expect(address.peer == nil)
        #expect(address.broadcast == IPAddress("10.0.0.255"))
        #expect(address.label == "eth0:web")
        #expect(address.flags == .permanent)
        #expect(address.scope == .universe)

        var v6 = MessageBuilder.address(family: 10, prefixLength: 64, flags: 0, scope: 253, index: 4)
        v6.attributes.address(1, "fe80::1")
        v6.attributes.u32(8, 0x80 | 0x02 | 0x200)
        let linkLocal = try InterfaceAddress(decoding: v6.message())
        #expect(linkLocal.prefix == IPPrefix("fe80::1/64"))
        #expect(linkLocal.scope == .link)
        #expect(linkLocal.flags == [.permanent, .noDAD, .noPrefixRoute])
    }

    @Test("a point-to-point address keeps its peer; an IPv6 address in an IPv4 message is an error")
    func peerAndMismatch() throws {
        var ptp = MessageBuilder.address(family: 2, prefixLength: 32, index: 5)
        ptp.attributes.address(1, "10.9.0.2")
        ptp.attributes.address(2, "10.9.0.1")
        let address = try InterfaceAddress(decoding: ptp.message())
        #expect(address.local == IPAddress("10.9.0.1"))
        #expect(address.peer == IPAddress("10.9.0.2"))

        var mismatch = MessageBuilder.address(family: 2, prefixLength: 24, index: 5)
        mismatch.attributes.address(1, "2001:db8::1")
        #expect(throws: DecodeError.self) { try InterfaceAddress(decoding: mismatch.message()) }

        var tooLong = MessageBuilder.address(family: 2, prefixLength: 33, index: 5)
        tooLong.attributes.address(1, "10.0.0.1")
        #expect(throws: DecodeError.self) { try InterfaceAddress(decoding: tooLong.message()) }
    }

    @Test("a neighbour entry: address, MAC, state, router flag")
    func neighbour() throws {
        var builder = MessageBuilder.neighbour(family: 10, index: 3, state: 0x80, flags: 0x80)
        builder.attributes.address(1, "2001:db8::9")
        builder.attributes.raw(2, [0x02, 0x42, 0xac, 0x11, 0, 2])
        builder.attributes.raw(3, [UInt8](repeating: 0, count: 16))  // NDA_CACHEINFO
        builder.attributes.u32(4, 0)                                  // NDA_PROBES
        let entry = try Neighbour(decoding: builder.message())
        #expect(entry.family == .ipv6)
        #expect(entry.address == IPAddress("2001:db8::9"))
        #expect(entry.linkLayerAddress == LinkLayerAddress("02:42:ac:11:00:02"))
        #expect(entry.state == .permanent)
        #expect(entry.state.names == ["PERMANENT"])
        #expect(entry.flags == .router)
        #expect(entry.interfaceIndex == 3)

        var missing = MessageBuilder.neighbour(family: 2, index: 3, state: 0x2)
        missing.attributes.raw(2, [1, 2, 3, 4, 5, 6])
        #expect(throws: DecodeError.self) { try Neighbour(decoding: missing.message()) }
    }
}
