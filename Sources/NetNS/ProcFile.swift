import NetCore
import SystemPackage

/// Small whole-file reads from /proc and /sys, with typed errors.
public enum ProcFile {
    /// Reads at most `maxBytes` of a file.
    public static func read(_ path: String, maxBytes: Int = 1 << 20) throws(SyscallError) -> [UInt8] {
        let fd: FileDescriptor
        do { fd = try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec]) } catch {
            throw SyscallError(call: "open", target: path, errno: Errno(systemError: error))
        }
        defer { try? fd.close() }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < maxBytes {
            let count: Int
            do { count = try chunk.withUnsafeMutableBytes { try fd.read(into: $0, retryOnInterrupt: true) } } catch {
                throw SyscallError(call: "read", target: path, errno: Errno(systemError: error))
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<min(count, maxBytes - bytes.count)])
        }
        return bytes
    }

    /// Reads a file as text, trimming the trailing newline.
    public static func readText(_ path: String) throws(SyscallError) -> String {
        var text = String(decoding: try read(path), as: UTF8.self)
        while text.last == "\n" { text.removeLast() }
        return text
    }
}
