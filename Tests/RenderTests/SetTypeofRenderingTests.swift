import NFTables
import Render
import Testing

/// `typeof` declarations as nft 1.0.6 prints them, from userdata nft wrote (bytes as in
/// SetTypeofDecodingTests), and the cases where nft falls back to `type`, which nfscope must follow.
@Suite("Set typeof rendering")
struct SetTypeofRenderingTests {
    static func hex(_ text: String) -> [UInt8] { text.split(separator: " ").compactMap { UInt8($0, radix: 16) } }

    /// `typeof ip saddr . tcp dport`
    static let concat = hex("""
        03 34 00 04 0d 00 00 00 01 2c 00 14 00 04 07 00 00 00 01 0c 00 04 0c 00 00 00 01 04 0b 00 00 00 \
        01 14 00 04 07 00 00 00 01 0c 00 04 08 00 00 00 01 04 02 00 00 00
        """)
    /// `typeof ip daddr : meta mark`
    static let markMap = hex("""
        03 14 00 04 07 00 00 00 01 0c 00 04 0c 00 00 00 01 04 0c 00 00 00 04 0e 00 04 09 00 00 00 01 06 00 04 03 00 00 00
        """)
    /// `typeof tcp dport : verdict`
    static let verdictMap = hex("03 14 00 04 07 00 00 00 01 0c 00 04 08 00 00 00 01 04 02 00 00 00 04 08 00 04 01 00 00 00 01 00")
    /// `typeof ip length`
    static let length = hex("03 1a 00 04 07 00 00 00 01 12 00 04 0c 00 00 00 01 04 05 00 00 00 04 04 10 00 00 00")
    /// `typeof @nh,16,16`
    static let raw = hex("""
        03 26 00 04 07 00 00 00 01 1e 00 04 00 00 00 00 01 04 00 00 00 00 02 04 02 00 00 00 03 04 10 00 00 00 04 04 10 00 00 00
        """)
    /// `typeof ct reply proto-dst`
    static let ctReply = hex("03 14 00 04 0c 00 00 00 01 0c 00 04 0c 00 00 00 01 04 01 00 00 00")
    /// `typeof meta l4proto . iifname`
    static let l4Iifname = hex("""
        03 28 00 04 0d 00 00 00 01 20 00 0e 00 04 09 00 00 00 01 06 00 04 10 00 00 00 01 0e 00 04 09 00 00 00 01 06 00 04 06 00 00 00
        """)

    func declaration(_ set: NFTSet) -> String {
        let structure = RulesetStructure(tables: [Table(family: set.family, name: set.table)], sets: [set])
        return NFTRenderer(structure: structure).tableOpening(Table(family: set.family, name: set.table))
    }

    @Test("typeof keys and map data print as nft prints them")
    func typeofLines() {
        let pairs = NFTSet(family: .inet, table: "t", name: "pairs", flags: [.concat], keyType: 7 << 6 | 13, keyLength: 8,
                           userdata: Self.concat,
                           elements: [SetElement(key: [10, 0, 0, 2, 0, 22, 0, 0]), SetElement(key: [10, 0, 0, 1, 1, 187, 0, 0])])
        #expect(NFTRenderer.typeofTexts(of: pairs)?.key == "ip saddr . tcp dport")
        #expect(declaration(pairs).contains("\t\ttypeof ip saddr . tcp dport\n"))
        #expect(NFTRenderer.elementTexts(of: pairs) == ["10.0.0.2 . 22", "10.0.0.1 . 443"])

        let marks = NFTSet(family: .ip, table: "t", name: "marks", flags: [.map], keyType: 7, keyLength: 4, dataType: 19,
                           dataLength: 4, userdata: Self.markMap,
                           elements: [SetElement(key: [192, 168, 1, 1], data: .value([0x10, 0, 0, 0]))])
        #expect(declaration(marks).contains("\t\ttypeof ip daddr : meta mark\n"))
        #expect(NFTRenderer.elementTexts(of: marks) == ["192.168.1.1 : 0x00000010"])

        let ports = NFTSet(family: .ip, table: "t", name: "ports", flags: [.map], keyType: 13, keyLength: 2,
                           dataType: 0xffff_ff00, dataLength: 16, userdata: Self.verdictMap)
        #expect(NFTRenderer.typeofTexts(of: ports).map { "\($0.key) : \($0.data ?? "")" } == "tcp dport : verdict")

        let replies = NFTSet(family: .ip, table: "t", name: "r", keyType: 13, keyLength: 2, userdata: Self.ctReply)
        #expect(NFTRenderer.typeofTexts(of: replies)?.key == "ct reply proto-dst")
        let services = NFTSet(family: .inet, table: "t", name: "s", flags: [.concat], keyType: 12 << 6 | 41, keyLength: 20,
                              userdata: Self.l4Iifname)
        #expect(NFTRenderer.typeofTexts(of: services)?.key == "meta l4proto . iifname")
    }

    @Test("elements follow the typeof datatype: network-order integers in decimal, raw loads in hex")
    func elementsFollowTypeof() {
        let lengths = NFTSet(family: .ip, table: "t", name: "l", keyType: 4, keyLength: 2, userdata: Self.length,
                             elements: [SetElement(key: [0x05, 0xdc]), SetElement(key: [0, 100])])
        #expect(declaration(lengths).contains("typeof ip length\n\t\telements = { 100, 1500 }"))
        let raw = NFTSet(family: .ip, table: "t", name: "w", keyType: 4, keyLength: 2, userdata: Self.raw,
                         elements: [SetElement(key: [0, 100]), SetElement(key: [0x05, 0xdc])])
        #expect(declaration(raw).contains("typeof @nh,16,16\n\t\telements = { 0x64, 0x5dc }"))
        // Without typeof, the same bytes are host-order integers, as nft prints a `type integer` set.
        let plain = NFTSet(family: .ip, table: "t", name: "p", keyType: 4, keyLength: 2, elements: [SetElement(key: [0, 100])])
        #expect(NFTRenderer.elementTexts(of: plain) == ["25600"])
    }

    @Test("nft's fallbacks to type: lengths that disagree, maps without valid data, interval data, unknown or garbage")
    func fallbacks() {
        // The kernel key is 16 bytes but `ip saddr . tcp dport` makes 8: nft does not trust the description.
        let wrongLength = NFTSet(family: .ip, table: "t", name: "x", flags: [.concat], keyType: 7 << 6 | 13, keyLength: 16,
                                 userdata: Self.concat)
        #expect(NFTRenderer.typeofTexts(of: wrongLength) == nil)
        #expect(declaration(wrongLength).contains("\t\ttype ipv4_addr . inet_service\n"))
        // A map whose data has no description loses the key's too.
        let noData = NFTSet(family: .ip, table: "t", name: "m", flags: [.map], keyType: 13, keyLength: 2, dataType: 19,
                            dataLength: 4, userdata: Array(Self.verdictMap[..<22]))
        #expect(NFTRenderer.typeofTexts(of: noData) == nil)
        #expect(declaration(noData).contains("\t\ttype inet_service : mark\n"))
        // Interval data are twice as long in the kernel: nft 1.0.6 prints `type … : interval …`.
        let interval = NFTSet(family: .ip, table: "t", name: "i", flags: [.map, .interval], keyType: 7, keyLength: 4,
                              dataType: 7, dataLength: 8, userdata: Array(Self.markMap.prefix(22)) + Self.hex(
                                "04 14 00 04 07 00 00 00 01 0c 00 04 0c 00 00 00 01 04 0c 00 00 00 06 04 01 00 00 00"),
                              elements: [SetElement(key: [10, 0, 0, 1], data: .value([10, 1, 0, 0, 10, 1, 0, 255])),
                                         SetElement(key: [10, 0, 0, 2], flags: 1)])
        #expect(declaration(interval).contains("\t\ttype ipv4_addr : interval ipv4_addr\n"))
        #expect(NFTRenderer.elementTexts(of: interval) == ["10.0.0.1 : 10.1.0.0/24"])
        // A meta key nft 1.0.6 does not have, and bytes that do not parse.
        let unknownMeta = NFTSet(family: .ip, table: "t", name: "u", keyType: 4, keyLength: 4,
                                 userdata: Self.hex("03 0e 00 04 09 00 00 00 01 06 00 04 63 00 00 00"))
        #expect(declaration(unknownMeta).contains("\t\ttype integer\n"))
        for cut in 1..<Self.concat.count {
            let set = NFTSet(family: .ip, table: "t", name: "g", flags: [.concat], keyType: 7 << 6 | 13, keyLength: 8,
                             userdata: Array(Self.concat[..<cut]))
            #expect(NFTRenderer.typeofTexts(of: set) == nil)
        }
    }
}
