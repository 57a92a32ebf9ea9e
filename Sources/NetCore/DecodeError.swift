/// Bytes from the kernel (or a file) that do not have the shape they must have.
///
/// Malformed input always becomes this error, never a trap: the path says where in the object the problem
/// is (`rule.expressions[3].payload.len`), the offset where in the bytes.
public struct DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where in the decoded object: `nlmsg[2].attr[5]`, `link.IFLA_IFNAME`.
    public var path: String
    /// The byte offset in the buffer being decoded.
    public var offset: Int
    /// What was wrong, in a few words.
    public var reason: String

    public init(path: String, offset: Int, reason: String) {
        self.path = path
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "malformed \(path) at byte \(offset): \(reason)" }
}
