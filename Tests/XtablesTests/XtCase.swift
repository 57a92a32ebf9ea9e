import NetCore
import Xtables

/// One decoding case: an extension blob and the fragment `iptables-save` 1.8.9 printed for the rule that
/// produced it (recorded from `iptables-nft-restore` + `iptables-nft-save` in a throwaway namespace).
struct XtCase: CustomStringConvertible, Sendable {
    var family: IPFamily
    var name: String
    var revision: UInt8
    var info: [UInt8]
    var expected: String

    init(_ family: IPFamily, _ name: String, _ revision: UInt8, _ blob: InfoBlob, _ expected: String) {
        self.family = family
        self.name = name
        self.revision = revision
        self.info = blob.bytes
        self.expected = expected
    }

    var ext: XtExtension { XtExtension(name: name, revision: revision, info: info) }
    var description: String { "\(family) \(name) rev \(revision): \(expected)" }
    /// Targets are upper case in iptables, matches lower case (a convention the kernel also follows).
    var isTarget: Bool { name.first?.isUppercase ?? false }

    func render() throws -> String {
        if isTarget {
            return try XtTarget.decode(ext, family: family).iptablesArguments(family: family).joined(separator: " ")
        }
        return try XtMatch.decode(ext, family: family).iptablesArguments(family: family).joined(separator: " ")
    }
}
