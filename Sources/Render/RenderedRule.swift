import NFTables

/// One rendered rule with everything needed to point at exactly that rule in the kernel.
public struct RenderedRule: Hashable, Sendable {
    /// The namespace label the ruleset was read from, when the caller set one.
    public var namespace: String?
    public var family: NFTFamily
    public var table: String
    public var chain: String
    public var handle: UInt64
    /// The rule in the renderer's syntax (one line, no indentation).
    public var text: String
    /// Why the rule could not be shown in the requested syntax, when it fell back to nft syntax.
    public var note: String?

    public init(namespace: String?, family: NFTFamily, table: String, chain: String, handle: UInt64, text: String,
                note: String? = nil) {
        self.namespace = namespace
        self.family = family
        self.table = table
        self.chain = chain
        self.handle = handle
        self.text = text
        self.note = note
    }
}
