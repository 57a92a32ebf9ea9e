import NetCore

/// What `IPT_SO_GET_INFO` / `IP6T_SO_GET_INFO` return for a table (`struct ipt_getinfo`): where each
/// hook's built-in chain starts and where its policy entry is, how many entries, how many bytes.
public struct LegacyTableInfo: Hashable, Sendable {
    public var name: String
    /// Bit `1 << hook` for each hook the table attaches to.
    public var validHooks: UInt32
    /// The blob offset of each hook's first entry (meaningful for valid hooks only).
    public var hookEntry: [UInt32]
    /// The blob offset of each hook's policy entry.
    public var underflow: [UInt32]
    public var entryCount: UInt32
    public var size: UInt32

    public init(name: String, validHooks: UInt32, hookEntry: [UInt32], underflow: [UInt32], entryCount: UInt32,
                size: UInt32) {
        self.name = name
        self.validHooks = validHooks
        self.hookEntry = hookEntry
        self.underflow = underflow
        self.entryCount = entryCount
        self.size = size
    }

    /// The hooks the table attaches to, in hook order.
    public var hooks: [LegacyHook] { LegacyHook.allCases.filter { validHooks & (1 << UInt32($0.rawValue)) != 0 } }

    /// Decodes the 84-byte `struct ipt_getinfo` the kernel wrote.
    public static func decode(_ bytes: [UInt8]) throws(DecodeError) -> LegacyTableInfo {
        let reader = LegacyBytes(bytes: bytes, path: "ipt_getinfo")
        try reader.check(0, LegacyLayout.infoSize, "struct ipt_getinfo")
        let name = try reader.string(0, LegacyLayout.tableNameLength, "name")
        var hookEntry: [UInt32] = [], underflow: [UInt32] = []
        for hook in 0..<LegacyLayout.hookCount {
            hookEntry.append(try reader.u32(36 + 4 * hook, "hook_entry"))
            underflow.append(try reader.u32(56 + 4 * hook, "underflow"))
        }
        return LegacyTableInfo(name: name, validHooks: try reader.u32(32, "valid_hooks"), hookEntry: hookEntry,
                               underflow: underflow, entryCount: try reader.u32(76, "num_entries"),
                               size: try reader.u32(80, "size"))
    }
}
