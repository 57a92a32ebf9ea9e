import NetCore

/// A minimal JSON object writer producing UTF-8 bytes: the dump path prints hundreds of thousands of
/// objects, and building dictionaries for an encoder, or even appending to a `String` or an `Array` byte
/// by byte (a uniqueness and capacity check each time), costs more than the kernel's own work.
///
/// Bytes are staged in a small stack buffer and moved to `bytes` in blocks. Use it through
/// ``write(into:_:)``, which provides the stage and flushes it.
struct JSONText {
    private(set) var bytes: [UInt8]
    private let stage: UnsafeMutableRawPointer
    private let stageCapacity: Int
    private var staged = 0
    private var needsComma = false

    /// The stage size: a typical flow object fits, larger ones spill in blocks.
    static let stageBytes = 1024

    private init(bytes: [UInt8], stage: UnsafeMutableRawBufferPointer) {
        guard let base = stage.baseAddress, stage.count >= 64 else {
            preconditionFailure("JSONText needs a stage of at least 64 bytes")
        }
        self.bytes = bytes
        self.stage = base
        self.stageCapacity = stage.count
    }

    /// Runs `body` with a writer that appends to `bytes`.
    static func write(into bytes: inout [UInt8], _ body: (inout JSONText) -> Void) {
        withUnsafeTemporaryAllocation(byteCount: stageBytes, alignment: 1) { stage in
            var json = JSONText(bytes: bytes, stage: stage)
            bytes = []
            body(&json)
            json.flush()
            bytes = json.bytes
        }
    }

    /// The written text as a `String`.
    static func string(_ body: (inout JSONText) -> Void) -> String {
        var bytes: [UInt8] = []
        write(into: &bytes, body)
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: Structure

    mutating func open() { separate(); put(UInt8(ascii: "{")); needsComma = false }
    mutating func close() { put(UInt8(ascii: "}")); needsComma = true }
    mutating func openArray() { separate(); put(UInt8(ascii: "[")); needsComma = false }
    mutating func closeArray() { put(UInt8(ascii: "]")); needsComma = true }

    mutating func key(_ name: StaticString) {
        separate()
        put(UInt8(ascii: "\""))
        name.withUTF8Buffer { put(UnsafeRawBufferPointer($0)) }
        put(UInt8(ascii: "\""))
        put(UInt8(ascii: ":"))
        needsComma = false
    }

    /// A key that is not a literal (statistics counter names); it must not need escaping.
    mutating func key(dynamic name: String) {
        separate()
        put(UInt8(ascii: "\""))
        var name = name
        name.withUTF8 { put(UnsafeRawBufferPointer($0)) }
        put(UInt8(ascii: "\""))
        put(UInt8(ascii: ":"))
        needsComma = false
    }

    // MARK: Values

    mutating func field(_ name: StaticString, _ value: String) { key(name); string(value) }
    mutating func field<T: FixedWidthInteger & UnsignedInteger>(_ name: StaticString, _ value: T) { key(name); number(value) }
    mutating func field(_ name: StaticString, _ value: Bool) {
        key(name)
        separate()
        let word: StaticString = value ? "true" : "false"
        word.withUTF8Buffer { put(UnsafeRawBufferPointer($0)) }
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
        reserve(17)
        put(UInt8(ascii: "\""))
        appendDigits(UInt64(raw >> 24))
        put(UInt8(ascii: "."))
        appendDigits(UInt64((raw >> 16) & 0xff))
        put(UInt8(ascii: "."))
        appendDigits(UInt64((raw >> 8) & 0xff))
        put(UInt8(ascii: "."))
        appendDigits(UInt64(raw & 0xff))
        put(UInt8(ascii: "\""))
        needsComma = true
    }

    mutating func string(_ value: String) {
        separate()
        put(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            if utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
                put(UnsafeRawBufferPointer(utf8))
            } else {
                appendEscaped(utf8)
            }
        }
        put(UInt8(ascii: "\""))
        needsComma = true
    }

    private mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        let hex: StaticString = "0123456789abcdef"
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\""): put(92); put(34)
            case UInt8(ascii: "\\"): put(92); put(92)
            case 0x0a: put(92); put(110)
            case 0x09: put(92); put(116)
            case 0x0d: put(92); put(114)
            case 0..<0x20:
                put(92); put(117); put(48); put(48)
                hex.withUTF8Buffer { digits in put(digits[Int(byte >> 4)]); put(digits[Int(byte & 0xf)]) }
            default: put(byte)
            }
        }
    }

    /// Decimal digits, written backwards into the stage: division by the constant 10 compiles to a
    /// multiplication, where dividing by a running power of ten would issue real divisions.
    private mutating func appendDigits(_ value: UInt64) {
        reserve(20)
        var count = 1
        var probe = value
        while probe >= 10 { probe /= 10; count &+= 1 }
        var position = staged &+ count
        if value <= UInt64(UInt32.max) {
            var rest = UInt32(truncatingIfNeeded: value)
            repeat {
                position &-= 1
                stage.storeBytes(of: UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10), toByteOffset: position, as: UInt8.self)
                rest /= 10
            } while rest > 0
        } else {
            var rest = value
            repeat {
                position &-= 1
                stage.storeBytes(of: UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10), toByteOffset: position, as: UInt8.self)
                rest /= 10
            } while rest > 0
        }
        staged &+= count
    }

    private mutating func separate() {
        if needsComma { put(UInt8(ascii: ",")); needsComma = false }
    }

    // MARK: Staging

    @inline(__always)
    private mutating func put(_ byte: UInt8) {
        if staged == stageCapacity { flush() }
        stage.storeBytes(of: byte, toByteOffset: staged, as: UInt8.self)
        staged &+= 1
    }

    private mutating func put(_ buffer: UnsafeRawBufferPointer) {
        guard let source = buffer.baseAddress, !buffer.isEmpty else { return }
        if buffer.count > stageCapacity - staged {
            flush()
            if buffer.count > stageCapacity { bytes.append(contentsOf: buffer); return }
        }
        (stage + staged).copyMemory(from: source, byteCount: buffer.count)
        staged &+= buffer.count
    }

    /// Makes room for `count` bytes in the stage so the puts that follow do not flush one by one.
    private mutating func reserve(_ count: Int) {
        if stageCapacity - staged < count { flush() }
    }

    private mutating func flush() {
        guard staged > 0 else { return }
        bytes.append(contentsOf: UnsafeRawBufferPointer(start: stage, count: staged))
        staged = 0
    }
}
