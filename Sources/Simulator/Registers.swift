import NFTables

/// The nf_tables register file of one chain run (`struct nft_regs`): the verdict register and 16 data words
/// of 32 bits, addressed as bytes exactly as the kernel's `memcpy`s address them (host byte order words,
/// network-order payload bytes).
public struct Registers: Sendable {
    /// 64 bytes: `NFT_REG32_00` at 0 … `NFT_REG32_15` at 60; `NFT_REG_1` is bytes 0..<16.
    public var data: [UInt8]
    /// The verdict register (`NFT_REG_VERDICT`); `continue` until an expression sets it.
    public var verdict: Verdict

    public init() {
        data = [UInt8](repeating: 0, count: 64)
        verdict = Verdict(code: .continue)
    }

    /// The byte offset of a data register, or nil for the verdict register or an invalid number.
    static func offset(_ register: Register) -> Int? { register.slot.map { $0 * 4 } }

    /// `length` bytes from a register, or nil if they would run past the register file.
    public func load(_ register: Register, length: Int) -> [UInt8]? {
        guard let start = Registers.offset(register), length >= 0, start + length <= data.count else { return nil }
        return Array(data[start..<start + length])
    }

    /// Stores bytes into a register, zeroing the rest of the last 32-bit word first, as the kernel's
    /// `nft_payload_eval` and `nft_reg_store8/16` do.
    public mutating func store(_ register: Register, _ bytes: [UInt8]) {
        guard let start = Registers.offset(register) else { return }
        let padded = (bytes.count + 3) / 4 * 4
        guard start + padded <= data.count else { return }
        for index in 0..<padded { data[start + index] = index < bytes.count ? bytes[index] : 0 }
    }

    /// Stores a 32-bit value in host (little-endian) order (`*dest = value`).
    public mutating func storeHost32(_ register: Register, _ value: UInt32) {
        store(register, [UInt8(value & 0xff), UInt8(value >> 8 & 0xff), UInt8(value >> 16 & 0xff), UInt8(value >> 24)])
    }

    /// Stores a 16-bit value in host order (`nft_reg_store16`).
    public mutating func storeHost16(_ register: Register, _ value: UInt16) {
        store(register, [UInt8(value & 0xff), UInt8(value >> 8)])
    }

    /// Reads a 32-bit value in host order (`nft_reg_load32`).
    public func loadHost32(_ register: Register) -> UInt32? {
        guard let bytes = load(register, length: 4) else { return nil }
        return UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
    }

    /// Reads a 16-bit big-endian value (ports, which nft keeps in network order).
    public func loadBig16(_ register: Register) -> UInt16? {
        guard let bytes = load(register, length: 2) else { return nil }
        return UInt16(bytes[0]) << 8 | UInt16(bytes[1])
    }
}

extension UInt32 {
    /// Little-endian bytes, as a host-order `u32` sits in a register.
    var hostBytes: [UInt8] { [UInt8(self & 0xff), UInt8(self >> 8 & 0xff), UInt8(self >> 16 & 0xff), UInt8(self >> 24)] }
}

extension UInt16 {
    var bigEndianBytes: [UInt8] { [UInt8(self >> 8), UInt8(self & 0xff)] }
}

/// `memcmp` over the common length, as `nft_cmp_eval` and `nft_range_eval` compare.
func memcmp(_ a: [UInt8], _ b: [UInt8]) -> Int {
    for index in 0..<min(a.count, b.count) where a[index] != b[index] {
        return a[index] < b[index] ? -1 : 1
    }
    return 0
}
