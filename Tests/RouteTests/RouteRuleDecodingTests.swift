import NetCore
import Netlink
import Route
import Testing

@Suite("decoding routes and policy rules")
struct RouteRuleDecodingTests {
    @Test("an IPv4 gateway route in main: destination, gateway, device, metric, protocol, preferred source")
    func gatewayRoute() throws {
        var builder = MessageBuilder.route(family: 2, destinationLength: 16, protocol: 4)
        builder.attributes.u32(15, 254)                 // RTA_TABLE
        builder.attributes.address(1, "10.50.0.0")      // RTA_DST
        builder.attributes.address(5, "10.0.0.2")       // RTA_GATEWAY
        builder.attributes.i32(4, 2)                    // RTA_OIF
        builder.attributes.u32(6, 100)                  // RTA_PRIORITY
        builder.attributes.address(7, "10.0.0.1")       // RTA_PREFSRC
        builder.attributes.nest(8) { $0.u32(2, 1400) }  // RTA_METRICS { RTAX_MTU }
        let route = try Route(decoding: builder.message())
        #expect(route.family == .ipv4)
        #expect(route.table == .main)
        #expect(route.destination == IPPrefix("10.50.0.0/16"))
        #expect(route.gateway == IPAddress("10.0.0.2"))
        #expect(route.outputInterface == 2)
        #expect(route.priority == 100)
        #expect(route.preferredSource == IPAddress("10.0.0.1"))
        #expect(route.protocol == .static)
        #expect(route.type == .unicast)
        #expect(route.mtu == 1400)
        #expect(route.unknownAttributes.isEmpty)
    }

    @Test("a table id above 255 comes from RTA_TABLE, not the RT_TABLE_COMPAT header byte")
    func largeTable() throws {
        var builder = MessageBuilder.route(family: 2, destinationLength: 24, table: 252)
        builder.attributes.u32(15, 100_000)
        builder.attributes.address(1, "192.0.2.0")
        builder.attributes.i32(4, 3)
        let route = try Route(decoding: builder.message())
        #expect(route.table == RouteTable(rawValue: 100_000))
        #expect(route.table.description == "100000")
    }

    @Test("a blackhole default route and a local route decode type, scope and the default prefix")
    func specialTypes() throws {
        var blackhole = MessageBuilder.route(family: 2, table: 100, type: 6)
        blackhole.attributes.u32(15, 100)
        let dropped = try Route(decoding: blackhole.message())
        #expect(dropped.type == .blackhole)
        #expect(dropped.destination == IPPrefix("0.0.0.0/0"))
        #expect(dropped.outputInterface == nil)

        var local = MessageBuilder.route(family: 10, destinationLength: 128, table: 255, protocol: 2, scope: 254, type: 2)
        local.attributes.u32(15, 255)
        local.attributes.address(1, "2001:db8::1")
        local.attributes.i32(4, 2)
        local.attributes.u8(20, 0)                                  // RTA_PREF
        local.attributes.raw(12, [UInt8](repeating: 0, count: 16)) // RTA_CACHEINFO: skipped
        let delivered = try Route(decoding: local.message())
        #expect(delivered.type == .local)
        #expect(delivered.scope == .host)
        #expect(delivered.table == .local)
        #expect(delivered.protocol == .kernel)
        #expect(delivered.destination == IPPrefix("2001:db8::1/128"))
        #expect(delivered.preference == 0)
        #expect(delivered.unknownAttributes.isEmpty)
    }

    @Test("an IPv6 multipath route: nexthops with gateways, devices and weights")
    func multipath() throws {
        var builder = MessageBuilder.route(family: 10, destinationLength: 48)
        builder.attributes.u32(15, 254)
        builder.attributes.address(1, "2001:db8:1::")
        builder.attributes.u32(6, 1024)
        let first = nexthopBytes(index: 2, hops: 0) { $0.address(5, "fe80::1") }
        let second = nexthopBytes(index: 3, hops: 4, flags: 0x10) { $0.address(5, "fe80::2") }
        builder.attributes.raw(9, first + second)
        let route = try Route(decoding: builder.message())
        #expect(route.gateway == nil)
        #expect(route.nexthops == [
            Nexthop(interfaceIndex: 2, gateway: IPAddress("fe80::1"), weight: 1),
            Nexthop(interfaceIndex: 3, gateway: IPAddress("fe80::2"), weight: 5, flags: .linkDown),
        ])
    }

    @Test("an IPv4 route via an IPv6 gateway (RTA_VIA)")
    func via() throws {
        var builder = MessageBuilder.route(family: 2, destinationLength: 8)
        builder.attributes.address(1, "10.0.0.0")
        var via: [UInt8] = []
        via.appendHost(UInt16(10))
        via += IPAddress("fe80::7")?.networkBytes ?? []
        builder.attributes.raw(18, via)
        builder.attributes.i32(4, 2)
        #expect(try Route(decoding: builder.message()).gateway == IPAddress("fe80::7"))
    }

    @Test("unknown route attributes are kept, not fatal")
    func unknownRouteAttributes() throws {
        var builder = MessageBuilder.route(family: 2, destinationLength: 32)
        builder.attributes.address(1, "10.1.2.3")
        builder.attributes.raw(29, [0x1f, 0x90])      // RTA_DPORT: not modelled
        builder.attributes.raw(999, [1, 2, 3, 4, 5])  // from a future kernel
        let route = try Route(decoding: builder.message())
        #expect(route.unknownAttributes == [RawAttribute(type: 29, bytes: [0x1f, 0x90]),
                                            RawAttribute(type: 999, bytes: [1, 2, 3, 4, 5])])
    }

    @Test("malformed routes: wrong-family gateway, bad nexthop length, missing RTA_DST, short header")
    func malformedRoutes() throws {
        var wrongFamily = MessageBuilder.route(family: 2)
        wrongFamily.attributes.address(5, "fe80::1")
        #expect(throws: DecodeError.self) { try Route(decoding: wrongFamily.message()) }

        var badNexthop = MessageBuilder.route(family: 2)
        var nexthop = nexthopBytes(index: 2) { $0.address(5, "10.0.0.1") }
        nexthop[0] = 200
        badNexthop.attributes.raw(9, nexthop)
        #expect(throws: DecodeError.self) { try Route(decoding: badNexthop.message()) }

        var trailing = MessageBuilder.route(family: 2)
        trailing.attributes.raw(9, nexthopBytes(index: 2) { _ in } + [1, 2, 3, 4])
        #expect(throws: DecodeError.self) { try Route(decoding: trailing.message()) }

        let missing = MessageBuilder.route(family: 2, destinationLength: 24)
        #expect(throws: DecodeError.self) { try Route(decoding: missing.message()) }

        var short = MessageBuilder.route(family: 2)
        short.familyHeader = [2, 0, 0, 0]
        #expect(throws: DecodeError.self) { try Route(decoding: short.message()) }

        var mpls = MessageBuilder.route(family: 28)
        mpls.attributes.i32(4, 1)
        #expect(throws: DecodeError.self) { try Route(decoding: mpls.message()) }
    }

    @Test("a fwmark rule to table 100, and a rule with every selector nfscope models")
    func rules() throws {
        var fwmark = MessageBuilder.rule(family: 2, table: 100)
        fwmark.attributes.u32(15, 100)         // FRA_TABLE
        fwmark.attributes.u32(6, 32765)        // FRA_PRIORITY
        fwmark.attributes.u32(10, 0x1)         // FRA_FWMARK
        fwmark.attributes.u32(16, 0xffff_ffff) // FRA_FWMASK
        fwmark.attributes.u32(14, 0xffff_ffff) // FRA_SUPPRESS_PREFIXLEN: unset
        fwmark.attributes.u8(21, 3)            // FRA_PROTOCOL boot
        let rule = try PolicyRule(decoding: fwmark.message())
        #expect(rule.priority == 32765)
        #expect(rule.table == RouteTable(rawValue: 100))
        #expect(rule.action == .toTable)
        #expect(rule.fwmark == 1 && rule.fwmask == 0xffff_ffff)
        #expect(rule.suppressPrefixLength == nil)
        #expect(rule.protocol == .boot)
        #expect(rule.source == nil && rule.destination == nil)

        var full = MessageBuilder.rule(family: 10, destinationLength: 64, sourceLength: 48, table: 252, flags: 0x2)
        full.attributes.address(1, "2001:db8:2::")
        full.attributes.address(2, "2001:db8:1::")
        full.attributes.u32(15, 5000)
        full.attributes.string(3, "eth0")
        full.attributes.string(17, "vrf-blue")
        full.attributes.u32(14, 0)
        full.attributes.raw(20, [1, 0, 0, 0, 0xe8, 3, 0, 0])   // uid 1-1000
        full.attributes.u8(22, 6)
        full.attributes.raw(24, [0x50, 0, 0xbb, 0x01])          // dport 80-443
        full.attributes.u64BigEndian(12, 77)
        full.attributes.u8(19, 1)
        full.attributes.raw(25, [0x2e])                         // FRA_DSCP (6.x): kept as unknown
        let selective = try PolicyRule(decoding: full.message())
        #expect(selective.isInverted)
        #expect(selective.table == RouteTable(rawValue: 5000))
        #expect(selective.source == IPPrefix("2001:db8:1::/48"))
        #expect(selective.destination == IPPrefix("2001:db8:2::/64"))
        #expect(selective.inputInterface == "eth0")
        #expect(selective.outputInterface == "vrf-blue")
        #expect(selective.suppressPrefixLength == 0)
        #expect(selective.uidRange == 1...1000)
        #expect(selective.ipProtocol == 6)
        #expect(selective.destinationPorts == 80...443)
        #expect(selective.tunnelID == 77)
        #expect(selective.l3mdev)
        #expect(selective.unknownAttributes == [RawAttribute(type: 25, bytes: [0x2e])])
    }

    @Test("a goto rule, and a port range whose start is after its end")
    func gotoAndBadRange() throws {
        var jump = MessageBuilder.rule(family: 2, action: 2)
        jump.attributes.u32(4, 200)
        jump.attributes.u32(6, 100)
        let rule = try PolicyRule(decoding: jump.message())
        #expect(rule.action == .goto && rule.gotoTarget == 200)

        var backwards = MessageBuilder.rule(family: 2)
        backwards.attributes.raw(23, [0xbb, 0x01, 0x50, 0])
        #expect(throws: DecodeError.self) { try PolicyRule(decoding: backwards.message()) }
    }
}
