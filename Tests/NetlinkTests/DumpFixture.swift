import NetCore
import Netlink
import NetlinkTesting

/// A stand-in for a link dump: `RTM_GETLINK` out, `RTM_NEWLINK` parts with an `IFLA_IFNAME` in.
enum DumpFixture {
    static let getLink: UInt16 = 18   // RTM_GETLINK
    static let newLink: UInt16 = 16   // RTM_NEWLINK
    static let ifname: UInt16 = 3     // IFLA_IFNAME
    /// `struct ifinfomsg` is 16 bytes; the parts here use the same size so the fixture looks like the real thing.
    static let familyHeaderSize = 16

    static let operation = NetlinkOperation.dump("links")

    static var request: NetlinkRequest {
        NetlinkRequest(type: getLink, flags: .dump, familyHeader: [UInt8](repeating: 0, count: familyHeaderSize))
    }

    static func names(_ count: Int, prefix: String = "eth") -> [String] {
        (0..<count).map { "\(prefix)\($0)" }
    }

    static func payload(_ name: String) -> [UInt8] {
        NetlinkReplyBuilder.payload(familyHeader: [UInt8](repeating: 0, count: familyHeaderSize)) {
            $0.append(ifname, string: name)
        }
    }

    static func payloads(_ names: [String]) -> [[UInt8]] { names.map(payload) }

    static func name(of message: NetlinkMessage) throws -> String? {
        try message.attributes(afterFamilyHeader: familyHeaderSize, path: "link").table()[ifname]?.string
    }

    /// Runs one dump and returns the names it delivered plus what `dump` said about consistency.
    static func collect(_ connection: NetlinkConnection) throws -> (names: [String], inconsistency: DumpInconsistency?) {
        var names: [String] = []
        let inconsistency = try connection.dump(request, operation: operation) { message in
            names.append(try name(of: message) ?? "?")
        }
        return (names, inconsistency)
    }
}
