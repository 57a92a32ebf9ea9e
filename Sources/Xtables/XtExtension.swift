/// The opaque payload of one x_tables extension: its name, revision and the info bytes of its C struct.
///
/// iptables-nft stores these in nf_tables `match`/`target` compat expressions (`NFTA_MATCH_NAME`,
/// `NFTA_MATCH_REV`, `NFTA_MATCH_INFO`; `NFTA_TARGET_*`), iptables-legacy in `xt_entry_match` /
/// `xt_entry_target` records. The bytes are the extension's struct as the kernel sees it (host byte order,
/// padded to `XT_ALIGN`), so decoding does not depend on where they came from.
public struct XtExtension: Hashable, Sendable {
    /// The extension name (`comment`, `DNAT`); the kernel attribute is `NFTA_MATCH_NAME` / `NFTA_TARGET_NAME`.
    public var name: String
    /// The extension revision; the kernel attribute is `NFTA_MATCH_REV` / `NFTA_TARGET_REV`.
    public var revision: UInt8
    /// The info struct bytes; the kernel attribute is `NFTA_MATCH_INFO` / `NFTA_TARGET_INFO`.
    public var info: [UInt8]

    /// Wraps a name, revision and info bytes as read from the kernel.
    public init(name: String, revision: UInt8, info: [UInt8]) {
        self.name = name
        self.revision = revision
        self.info = info
    }
}

extension XtExtension {
    /// What `.raw` renders: the name, then a note that keeps iptables-save's shape but says why the options
    /// are missing (`/* nfscope: raw rev 3, 24 bytes */`). The note is one argument, so that a caller joining
    /// with spaces gets a readable comment, and a reader of the output can tell it apart from real options.
    func rawArguments(flag: String) -> [String] {
        [flag, name, "/* nfscope: raw rev \(revision), \(info.count) bytes */"]
    }
}
