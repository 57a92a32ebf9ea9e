import NetCore
import Netlink

/// rtnetlink message types nfscope sends and receives (`RTM_*` in `<linux/rtnetlink.h>`).
enum RtnetlinkType {
    static let newLink: UInt16 = 16       // RTM_NEWLINK
    static let getLink: UInt16 = 18       // RTM_GETLINK
    static let newAddress: UInt16 = 20    // RTM_NEWADDR
    static let getAddress: UInt16 = 22    // RTM_GETADDR
    static let newRoute: UInt16 = 24      // RTM_NEWROUTE
    static let getRoute: UInt16 = 26      // RTM_GETROUTE
    static let newNeighbour: UInt16 = 28  // RTM_NEWNEIGH
    static let getNeighbour: UInt16 = 30  // RTM_GETNEIGH
    static let newRule: UInt16 = 32       // RTM_NEWRULE
    static let getRule: UInt16 = 34       // RTM_GETRULE
    static let newNSID: UInt16 = 88       // RTM_NEWNSID
    static let getNSID: UInt16 = 90       // RTM_GETNSID
}

/// One rtnetlink message split into its fixed family header and its attributes, with the type checked.
///
/// Every decoder starts here, so a message of the wrong type or too short for its family header
/// (`struct ifinfomsg`, `struct rtmsg`, …) becomes a `DecodeError` before any field is read.
struct RtnetlinkMessage {
    /// The fixed family header, exactly `size` bytes long.
    let header: ArraySlice<UInt8>
    let attributes: NetlinkAttributes
    let path: String

    init(_ message: NetlinkMessage, expecting type: UInt16, familyHeaderSize size: Int, path: String) throws {
        guard message.header.type == type else {
            throw DecodeError(path: path, offset: 4, reason: "message type \(message.header.type), expected \(type)")
        }
        self.attributes = try message.attributes(afterFamilyHeader: size, path: path)
        self.header = message.payload.prefix(size)
        self.path = path
    }

    func u8(at offset: Int, _ field: String) throws -> UInt8 { try integer(UInt8.self, at: offset, field) }
    func u16(at offset: Int, _ field: String) throws -> UInt16 { try integer(UInt16.self, at: offset, field) }
    func u32(at offset: Int, _ field: String) throws -> UInt32 { try integer(UInt32.self, at: offset, field) }
    func i32(at offset: Int, _ field: String) throws -> Int32 { try integer(Int32.self, at: offset, field) }

    /// A host-order field of the family header. The error path is built only on failure: this runs for
    /// every field of every message of a dump (100k routes are 800k reads).
    private func integer<T: FixedWidthInteger>(_: T.Type, at offset: Int, _ field: String) throws -> T {
        let size = MemoryLayout<T>.size
        guard offset >= 0, header.count - offset >= size else {
            throw DecodeError(path: "\(path).\(field)", offset: NetlinkHeader.size + offset,
                              reason: "needs \(size) bytes, header has \(header.count)")
        }
        var value: T = 0
        for index in 0..<size {
            value |= T(truncatingIfNeeded: header[header.startIndex + offset + index]) << (8 * index)
        }
        return value
    }

    /// The IP family in the header's first byte; anything but `AF_INET`/`AF_INET6` is an error here.
    func ipFamily(_ field: String) throws -> IPFamily {
        let raw = try u8(at: 0, field)
        guard let family = IPFamily(addressFamily: raw) else {
            throw DecodeError(path: "\(path).\(field)", offset: NetlinkHeader.size, reason: "address family \(raw) is not IPv4 or IPv6")
        }
        return family
    }
}

extension NetlinkAttribute {
    /// The payload as an address of `family`, rejecting a length that does not fit it.
    func address(of family: IPFamily) throws -> IPAddress {
        let value = try address()
        guard value.family == family else {
            throw DecodeError(path: path, offset: 0, reason: "\(payload.count)-byte address in an \(family) message")
        }
        return value
    }

    /// A prefix of `family` whose address is this attribute and whose length came from the family header.
    func prefix(of family: IPFamily, length: UInt8) throws -> IPPrefix {
        let value = try address(of: family)
        guard let prefix = IPPrefix(address: value, length: Int(length)) else {
            throw DecodeError(path: path, offset: 0, reason: "prefix length \(length) too long for \(family)")
        }
        return prefix
    }
}

extension IPPrefix {
    /// The whole address space of a family (`0.0.0.0/0`, `::/0`): what a missing destination means.
    static func any(_ family: IPFamily, path: String) throws -> IPPrefix {
        guard let prefix = IPPrefix(address: .unspecified(family), length: 0) else {
            throw DecodeError(path: path, offset: 0, reason: "no default prefix for \(family)")
        }
        return prefix
    }
}
