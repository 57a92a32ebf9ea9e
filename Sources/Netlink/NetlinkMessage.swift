import NetCore

/// One netlink message: its header and the bytes after the header (the payload).
///
/// The payload is a slice of the receive buffer, so reading a dump copies nothing; a handler that keeps a
/// message beyond its call keeps the slice's storage alive (copy-on-write protects it from the next read).
public struct NetlinkMessage: Sendable {
    public var header: NetlinkHeader
    /// Everything after the 16-byte header, up to `header.length`.
    public var payload: ArraySlice<UInt8>

    public init(header: NetlinkHeader, payload: ArraySlice<UInt8>) {
        self.header = header
        self.payload = payload
    }

    /// The attributes that follow a fixed family header of `familyHeaderSize` bytes (`struct ifinfomsg`,
    /// `struct nfgenmsg`, …).
    public func attributes(afterFamilyHeader familyHeaderSize: Int, path: String) throws -> NetlinkAttributes {
        guard payload.count >= familyHeaderSize else {
            throw DecodeError(path: path, offset: NetlinkHeader.size,
                              reason: "family header needs \(familyHeaderSize) bytes, payload has \(payload.count)")
        }
        let start = payload.startIndex + Swift.min(netlinkAligned(familyHeaderSize), payload.count)
        return NetlinkAttributes(payload[start...], path: path)
    }
}

/// Splits a received datagram into messages, validating every length before anything reads a field.
///
/// This is the Swift guard in front of the C parsers: libmnl's `mnl_nlmsg_ok` casts lengths to `int`, and
/// libnftnl and libnetfilter_conntrack trust the lengths they are given. A message whose length is shorter
/// than a header or longer than what is left of the datagram stops the walk with a `DecodeError`.
public struct NetlinkMessageSequence: Sequence {
    let bytes: ArraySlice<UInt8>

    public init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    public func makeIterator() -> Iterator { Iterator(bytes: bytes) }

    public struct Iterator: IteratorProtocol {
        let bytes: ArraySlice<UInt8>
        var offset: Int
        var index = 0
        /// Set when the walk stopped on a malformed message; the iterator then ends.
        public private(set) var error: DecodeError?

        init(bytes: ArraySlice<UInt8>) {
            self.bytes = bytes
            self.offset = bytes.startIndex
        }

        public mutating func next() -> NetlinkMessage? {
            guard error == nil, offset < bytes.endIndex else { return nil }
            let position = index
            func path(_ field: String) -> String { "nlmsg[\(position)]\(field)" }
            do {
                let remaining = bytes[offset...]
                let length = try remaining.hostInteger(UInt32.self, path: path(".len"))
                guard length >= UInt32(NetlinkHeader.size), Int(length) <= remaining.count else {
                    throw DecodeError(path: path(".len"), offset: offset - bytes.startIndex,
                                      reason: "length \(length) outside \(NetlinkHeader.size)...\(remaining.count)")
                }
                let header = NetlinkHeader(
                    length: length,
                    type: try remaining.hostInteger(UInt16.self, at: 4, path: path(".type")),
                    flags: NetlinkFlags(rawValue: try remaining.hostInteger(UInt16.self, at: 6, path: path(".flags"))),
                    sequence: try remaining.hostInteger(UInt32.self, at: 8, path: path(".seq")),
                    portID: try remaining.hostInteger(UInt32.self, at: 12, path: path(".pid")))
                let payload = bytes[(offset + NetlinkHeader.size)..<(offset + Int(length))]
                offset += Swift.min(netlinkAligned(Int(length)), remaining.count)
                index += 1
                return NetlinkMessage(header: header, payload: payload)
            } catch let decodeError as DecodeError {
                error = decodeError
                return nil
            } catch {
                self.error = DecodeError(path: path(""), offset: offset - bytes.startIndex, reason: "\(error)")
                return nil
            }
        }
    }
}

extension NetlinkMessageSequence {
    /// Every message of the datagram, or the first `DecodeError`.
    public func validated() throws -> [NetlinkMessage] {
        var iterator = makeIterator()
        var messages: [NetlinkMessage] = []
        while let message = iterator.next() { messages.append(message) }
        if let error = iterator.error { throw error }
        return messages
    }
}
