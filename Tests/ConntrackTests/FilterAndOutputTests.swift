import Conntrack
import Foundation
import NetCore
import Netlink
import Testing

@Suite("filters, requests and output")
struct FilterAndOutputTests {
    @Test("mark filters parse VALUE and VALUE/MASK in decimal and hex")
    func markParsing() {
        #expect(MarkFilter("7") == MarkFilter(value: 7))
        #expect(MarkFilter("0x4000/0xc000") == MarkFilter(value: 0x4000, mask: 0xc000))
        #expect(MarkFilter("x") == nil)
    }

    @Test("CIDR prefixes and port ranges stay in Swift; exact hosts and ports go to CTA_FILTER")
    func kernelRequest() throws {
        var filter = ConntrackFilter(l4Protocol: .udp,
                                     original: TupleFilter(source: IPPrefix("10.0.0.0/8"), destination: IPPrefix("10.0.0.2"),
                                                           sourcePorts: 1000...2000, destinationPorts: 53...53),
                                     mark: MarkFilter(value: 1, mask: 0xff), zone: 3)
        var attributes = try Self.attributes(filter.dumpRequest())
        #expect(try attributes[8]?.u32BigEndian() == 1)       // CTA_MARK
        #expect(try attributes[21]?.u32BigEndian() == 0xff)   // CTA_MARK_MASK
        #expect(attributes[18] == nil)                        // CTA_ZONE only inside the tuple
        let flags = try #require(attributes[25]).nested.table()
        #expect(try flags[1]?.u32() == (1 << 1) | (1 << 2) | (1 << 3) | (1 << 5))
        #expect(try flags[2]?.u32() == 0)
        let ip = try #require(try attributes[1]?.nested.table()[1]).nested.table()
        #expect(ip[1] == nil)                                 // the /8 source is not sent
        #expect(try ip[2]?.address() == IPAddress("10.0.0.2"))
        filter.l4Protocol = nil
        filter.zone = nil
        attributes = try Self.attributes(filter.dumpRequest())
        #expect(try attributes[25].map { try $0.nested.table()[1]?.u32() } == (1 << 1))
        #expect(try Self.attributes(filter.dumpRequest(kernelFilter: false)).isEmpty)
    }

    @Test("no family, no tuple filter: only mark and status go to the kernel")
    func familyless() throws {
        let filter = ConntrackFilter(statusSet: .assured, statusClear: .dying)
        let attributes = try Self.attributes(filter.dumpRequest())
        #expect(try attributes[3]?.u32BigEndian() == ConntrackStatus.assured.rawValue)
        #expect(try attributes[26]?.u32BigEndian() == ConntrackStatus([.assured, .dying]).rawValue)
        #expect(attributes[25] == nil)
    }

    @Test("a JSON line has schema_version, snake_case keys and the NAT")
    func jsonShape() throws {
        let flow = try Flow(message: goldenMessage(Golden.dccpOpenHandBuilt))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(flow.jsonLine().utf8)) as? [String: Any])
        #expect(object["schema_version"] as? Int == 1)
        #expect(object["protocol"] as? String == "dccp")
        #expect(object["state"] as? String == "OPEN")
        #expect((object["status"] as? [String])?.contains("BIT_20") == true)
        #expect((object["zone"] as? [String: Any])?["direction"] as? String == "original")
        #expect((object["counters"] as? [String: Any])?["reply_bytes"] as? Int == 900)
        #expect(object["security_context"] as? String == "system_u:object_r:unlabeled_t:s0")
        for key in object.keys { #expect(key == key.lowercased() && !key.contains("-")) }
        let nat = try Flow(message: goldenMessage(Golden.tcpDNAT))
        let natObject = try #require(try JSONSerialization.jsonObject(with: Data(nat.jsonLine(event: "new").utf8)) as? [String: Any])
        #expect(natObject["event"] as? String == "new")
        let translations = try #require(natObject["nat"] as? [[String: String]])
        #expect(translations == [["kind": "dnat", "from": "10.43.143.185:80", "to": "10.42.0.152:9090"]])
    }

    @Test("objects larger than the writer's stage, and strings that need escaping, stay valid JSON")
    func largeAndEscaped() throws {
        var flow = try Flow(message: goldenMessage(Golden.dccpOpenHandBuilt))
        let context = String(repeating: "a\"b\\c\u{01}\n→", count: 400)
        flow.securityContext = context
        flow.otherAttributes = (0..<20).map { RawAttribute(type: UInt16(100 + $0), bytes: [UInt8](repeating: 0xab, count: 64)) }
        flow.original.source = IPAddress("2001:db8::1")!
        var bytes = Array("prefix ".utf8)
        flow.appendJSONLine(to: &bytes, action: "would_delete")
        #expect(bytes.starts(with: Array("prefix ".utf8)))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes.dropFirst(7))) as? [String: Any])
        #expect(object["security_context"] as? String == context)
        #expect((object["other_attributes"] as? [Any])?.count == 20)
        #expect((object["original"] as? [String: Any])?["src"] as? String == "2001:db8::1")
        #expect(object["action"] as? String == "would_delete")
        #expect(flow.jsonLine(action: "would_delete") == String(decoding: bytes.dropFirst(7), as: UTF8.self))
    }

    @Test("the table row shows NAT at a glance")
    func tableRow() throws {
        let row = FlowTable.row(try Flow(message: goldenMessage(Golden.tcpDNAT)))
        #expect(row.hasPrefix("tcp     ESTABLISHED  10.0.0.9:41000 → 10.43.143.185:80"))
        #expect(row.contains("DNAT → 10.42.0.152:9090"))
        #expect(row.contains("[ASSURED]"))
        let unreplied = FlowTable.row(try Flow(message: goldenMessage(Golden.udpZone5)))
        #expect(unreplied.contains("[UNREPLIED]") && unreplied.contains("zone=5"))
    }

    static func attributes(_ request: NetlinkRequest) throws -> [UInt16: NetlinkAttribute] {
        let message = try NetlinkMessageSequence(request.encoded(sequence: 1)[...]).validated()[0]
        return try message.attributes(afterFamilyHeader: 4, path: "request").table()
    }
}
