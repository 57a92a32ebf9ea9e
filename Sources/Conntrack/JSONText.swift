/// A minimal JSON object writer that appends to a `String`: the dump path prints hundreds of thousands
/// of objects, and building dictionaries for an encoder would allocate for every one.
struct JSONText {
    var text: String
    private var needsComma = false

    init(into text: String = "") {
        self.text = text
    }

    mutating func open() { separate(); text.append("{"); needsComma = false }
    mutating func close() { text.append("}"); needsComma = true }
    mutating func openArray() { separate(); text.append("["); needsComma = false }
    mutating func closeArray() { text.append("]"); needsComma = true }

    mutating func key(_ name: StaticString) {
        separate()
        text.append("\"")
        text.append(name.description)
        text.append("\":")
        needsComma = false
    }

    mutating func field(_ name: StaticString, _ value: String) { key(name); string(value) }
    mutating func field<T: BinaryInteger>(_ name: StaticString, _ value: T) { key(name); number(value) }
    mutating func field(_ name: StaticString, _ value: Bool) { key(name); separate(); text.append(value ? "true" : "false"); needsComma = true }

    mutating func number<T: BinaryInteger>(_ value: T) {
        separate()
        text.append(String(value))
        needsComma = true
    }

    mutating func string(_ value: String) {
        separate()
        text.append("\"")
        if value.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            text.append(value)
        } else {
            appendEscaped(value)
        }
        text.append("\"")
        needsComma = true
    }

    private mutating func appendEscaped(_ value: String) {
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text.append("\\\"")
            case "\\": text.append("\\\\")
            case "\n": text.append("\\n")
            case "\t": text.append("\\t")
            case "\r": text.append("\\r")
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    text.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
    }

    private mutating func separate() {
        if needsComma { text.append(","); needsComma = false }
    }
}
