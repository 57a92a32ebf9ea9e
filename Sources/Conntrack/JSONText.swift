import NetCore

/// A minimal JSON object writer that appends UTF-8 bytes: the dump path prints hundreds of thousands of
/// objects, and building dictionaries for an encoder, or even appending to a `String`, costs more than
/// the kernel's own work.
struct JSONText {
    var bytes: [UInt8]
    private var needsComma = false

    init(into bytes: [UInt8] = []) {
        self.bytes = bytes
    }

    /// The text written so far.
    var text: String { String(decoding: bytes, as: UTF8.self) }

    mutating func open() { separate(); bytes.append(UInt8(ascii: "{")); needsComma = false }
    mutating func close() { bytes.append(UInt8(ascii: "}")); needsComma = true }
    mutating func openArray() { separate(); bytes.append(UInt8(ascii: "[")); needsComma = false }
    mutating func closeArray() { bytes.append(UInt8(ascii: "]")); needsComma = true }

    mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// A key that is not a literal (statistics counter names); it must not need escaping.
    mutating func key(dynamic name: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: name.utf8)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    mutating func field(_ name: StaticString, _ value: String) { key(name); string(value) }
    mutating func field<T: FixedWidthInteger & UnsignedInteger>(_ name: StaticString, _ value: T) { key(name); number(value) }
    mutating func field(_ name: StaticString, _ value: Bool) {
        key(name)
        separate()
        let word: StaticString = value ? "true" : "false"
        word.withUTF8Buffer { bytes.append(contentsOf: $0) }
        needsComma = true
    }
    mutating func field(_ name: StaticString, address: IPAddress) { key(name); self.address(address) }

    /// An unsigned integer, written digit by digit (no intermediate `String`).
    mutating func number<T: FixedWidthInteger & UnsignedInteger>(_ value: T) {
        separate()
        appendDigits(UInt64(value))
        needsComma = true
    }

    /// An address as a JSON string; IPv4 is written directly.
    mutating func address(_ value: IPAddress) {
        guard case .v4(let raw) = value else { string(value.description); return }
        separate()
        bytes.append(UInt8(ascii: "\""))
        for shift in [24, 16, 8, 0] {
            appendDigits(UInt64((raw >> UInt32(shift)) & 0xff))
            if shift != 0 { bytes.append(UInt8(ascii: ".")) }
        }
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    mutating func string(_ value: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        var utf8 = value.utf8
        let plain = utf8.withContiguousStorageIfAvailable { buffer in
            buffer.allSatisfy { $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
        } ?? false
        if plain {
            bytes.append(contentsOf: utf8)
        } else {
            appendEscaped(&utf8)
        }
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    private mutating func appendEscaped(_ utf8: inout String.UTF8View) {
        let hex = Array("0123456789abcdef".utf8)
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [92, 92])
            case 0x0a: bytes.append(contentsOf: [92, 110])
            case 0x09: bytes.append(contentsOf: [92, 116])
            case 0x0d: bytes.append(contentsOf: [92, 114])
            case 0..<0x20: bytes.append(contentsOf: [92, 117, 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 0xf)]])
            default: bytes.append(byte)
            }
        }
    }

    private mutating func appendDigits(_ value: UInt64) {
        if value < 10 { bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value)); return }
        if value <= UInt64(UInt32.max) { appendDigits32(UInt32(truncatingIfNeeded: value)); return }
        var divisor: UInt64 = 1
        while divisor <= value / 10 { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// 32-bit division is several times cheaper than 64-bit, and ports, marks, ids and timeouts fit.
    private mutating func appendDigits32(_ value: UInt32) {
        var divisor: UInt32 = 1
        while divisor <= value / 10 { divisor &*= 10 }
        var rest = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")); needsComma = false }
    }
}
