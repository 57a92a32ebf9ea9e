#if canImport(Glibc)
import Glibc
#endif

/// Buffered standard output for streams of lines: one `write(2)` per 64 KiB instead of one per flow.
final class LineWriter {
    private var buffer: [UInt8] = []
    private let limit: Int

    init(limit: Int = 64 << 10) {
        self.limit = limit
        buffer.reserveCapacity(limit + 4096)
    }

    func line(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= limit { flush() }
    }

    /// Lets `body` append one line's bytes in place (no `String` per line), then ends the line.
    func line(appending body: (inout [UInt8]) -> Void) {
        body(&buffer)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= limit { flush() }
    }

    func flush() {
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { write(1, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                break
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }

    deinit { flush() }
}
