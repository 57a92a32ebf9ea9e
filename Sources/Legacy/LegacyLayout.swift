import NetCore

/// Byte layouts of the x_tables structs on 64-bit Linux (`XT_ALIGN` is 8: the counters are `__u64`).
///
/// The kernel headers are `linux/netfilter_ipv4/ip_tables.h`, `linux/netfilter_ipv6/ip6_tables.h` and
/// `linux/netfilter/x_tables.h`; the offsets below were derived from them and are checked by the tests.
struct LegacyLayout {
    let family: IPFamily

    /// `sizeof(struct ipt_entry)` 112, `sizeof(struct ip6t_entry)` 168.
    var entrySize: Int { family == .ipv4 ? 112 : 168 }
    /// Address width: 4 or 16.
    var addressSize: Int { family == .ipv4 ? 4 : 16 }
    /// Offsets inside `ipt_ip` / `ip6t_ip6`: src, dst, smsk, dmsk, then the interfaces.
    var sourceOffset: Int { 0 }
    var destinationOffset: Int { addressSize }
    var sourceMaskOffset: Int { 2 * addressSize }
    var destinationMaskOffset: Int { 3 * addressSize }
    var inInterfaceOffset: Int { 4 * addressSize }
    var outInterfaceOffset: Int { inInterfaceOffset + 16 }
    var inInterfaceMaskOffset: Int { inInterfaceOffset + 32 }
    var outInterfaceMaskOffset: Int { inInterfaceOffset + 48 }
    /// `__u16 proto`, then (IPv6 only) `__u8 tos`, then `flags`, `invflags`.
    var protocolOffset: Int { inInterfaceOffset + 64 }
    var flagsOffset: Int { protocolOffset + (family == .ipv4 ? 2 : 3) }
    var invertFlagsOffset: Int { flagsOffset + 1 }
    /// After the ip part (84 or 136 bytes with padding): `nfcache`, `target_offset`, `next_offset`,
    /// `comefrom`, then `struct xt_counters` at an 8-byte boundary.
    var targetOffsetField: Int { family == .ipv4 ? 88 : 140 }
    var nextOffsetField: Int { targetOffsetField + 2 }
    var countersOffset: Int { family == .ipv4 ? 96 : 152 }

    /// `sizeof(struct xt_entry_match)` and `xt_entry_target`: `__u16 size; char name[29]; __u8 revision`.
    static let extensionHeaderSize = 32
    static let extensionNameLength = 29
    /// `XT_ALIGN(sizeof(struct xt_standard_target))`: the header plus `int verdict`, padded.
    static let standardTargetSize = 40
    /// `struct xt_error_target`: the header plus `char errorname[XT_FUNCTION_MAXNAMELEN]` (30).
    static let errorNameLength = 30
    static let alignment = 8

    /// `struct ipt_getinfo`: `char name[32]`, `valid_hooks`, `hook_entry[5]`, `underflow[5]`,
    /// `num_entries`, `size` (84 bytes; the IPv6 twin is identical).
    static let infoSize = 84
    /// `sizeof(struct ipt_get_entries)`: `char name[32]`, `unsigned int size`, padded to 40 so that the
    /// entries after it are 8-byte aligned.
    static let getEntriesHeaderSize = 40
    static let tableNameLength = 32
    static let hookCount = 5
}
