import NetCore

/// Builds an extension info blob field by field, at the offsets of the kernel's uapi struct, in host order
/// (as iptables writes it), so that each test states the C layout it exercises.
struct InfoBlob {
    var bytes: [UInt8]

    init(size: Int) { bytes = Array(repeating: 0, count: size) }

    private mutating func put(_ offset: Int, _ value: UInt64, _ length: Int, bigEndian: Bool) {
        for index in 0..<length {
            let shift = bigEndian ? 8 * (length - 1 - index) : 8 * index
            bytes[offset + index] = UInt8(truncatingIfNeeded: value >> shift)
        }
    }

    func u8(_ offset: Int, _ value: UInt8) -> InfoBlob { var c = self; c.bytes[offset] = value; return c }
    func u16(_ offset: Int, _ value: UInt16) -> InfoBlob {
        var c = self; c.put(offset, UInt64(value), 2, bigEndian: false); return c
    }
    func u32(_ offset: Int, _ value: UInt32) -> InfoBlob {
        var c = self; c.put(offset, UInt64(value), 4, bigEndian: false); return c
    }
    func u64(_ offset: Int, _ value: UInt64) -> InfoBlob {
        var c = self; c.put(offset, value, 8, bigEndian: false); return c
    }
    func be16(_ offset: Int, _ value: UInt16) -> InfoBlob {
        var c = self; c.put(offset, UInt64(value), 2, bigEndian: true); return c
    }
    func be32(_ offset: Int, _ value: UInt32) -> InfoBlob {
        var c = self; c.put(offset, UInt64(value), 4, bigEndian: true); return c
    }
    /// An address in network order (4 bytes for IPv4, 16 for IPv6), as in `union nf_inet_addr`.
    func address(_ offset: Int, _ text: String) -> InfoBlob {
        var c = self
        let raw = IPAddress(text)!.networkBytes
        c.bytes.replaceSubrange(offset..<(offset + raw.count), with: raw)
        return c
    }
    /// A `char[]` field; the rest stays NUL.
    func string(_ offset: Int, _ text: String) -> InfoBlob {
        var c = self
        let raw = Array(text.utf8)
        c.bytes.replaceSubrange(offset..<(offset + raw.count), with: raw)
        return c
    }
}
