import NetCore

/// Bounds-checked reads of fixed-width integers and strings from kernel bytes.
///
/// Every read checks the length first and throws `DecodeError` otherwise, so malformed input can never trap.
extension ArraySlice where Element == UInt8 {
    /// A host-order (little-endian on every platform nfscope runs on) integer at `offset` from the slice start.
    @inlinable
    public func hostInteger<T: FixedWidthInteger>(_: T.Type, at offset: Int = 0, path: @autoclosure () -> String) throws -> T {
        guard offset >= 0, count - offset >= MemoryLayout<T>.size else {
            throw Self.lengthError(count, offset: offset, size: MemoryLayout<T>.size, path: path())
        }
        var value: T = 0
        var shift = 0
        for index in 0..<MemoryLayout<T>.size {
            value |= T(truncatingIfNeeded: self[startIndex + offset + index]) << shift
            shift += 8
        }
        return value
    }

    /// A network-order (big-endian) integer at `offset` from the slice start.
    @inlinable
    public func bigEndianInteger<T: FixedWidthInteger>(_: T.Type, at offset: Int = 0, path: @autoclosure () -> String) throws -> T {
        guard offset >= 0, count - offset >= MemoryLayout<T>.size else {
            throw Self.lengthError(count, offset: offset, size: MemoryLayout<T>.size, path: path())
        }
        var value: T = 0
        for index in 0..<MemoryLayout<T>.size {
            value = value << 8 | T(truncatingIfNeeded: self[startIndex + offset + index])
        }
        return value
    }

    /// A string up to the first NUL (or the end), decoded as UTF-8 with replacement of invalid bytes.
    public var nulTerminatedString: String {
        let end = firstIndex(of: 0) ?? endIndex
        return String(decoding: self[startIndex..<end], as: UTF8.self)
    }

    /// Built only on failure: the path string costs an allocation the happy path must not pay.
    @usableFromInline
    static func lengthError(_ count: Int, offset: Int, size: Int, path: String) -> DecodeError {
        DecodeError(path: path, offset: offset, reason: "needs \(size) bytes, has \(Swift.max(0, count - offset))")
    }
}

extension Array where Element == UInt8 {
    /// Appends a host-order integer.
    public mutating func appendHost<T: FixedWidthInteger>(_ value: T) {
        for index in 0..<MemoryLayout<T>.size { append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
    }

    /// Appends a network-order integer.
    public mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        let size = MemoryLayout<T>.size
        for index in 0..<size { append(UInt8(truncatingIfNeeded: value >> (8 * (size - 1 - index)))) }
    }

    /// Pads with zero bytes to the netlink alignment of 4.
    public mutating func padToNetlinkAlignment() {
        while count % 4 != 0 { append(0) }
    }
}

/// Rounds a length up to netlink's 4-byte alignment (`NLMSG_ALIGN`, `NLA_ALIGN`).
@inlinable
public func netlinkAligned(_ length: Int) -> Int { (length + 3) & ~3 }
