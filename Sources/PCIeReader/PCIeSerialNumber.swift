/// The Device Serial Number extended capability (PCIe Base Specification, capability ID
/// 0x0003): a 64-bit number, an EUI-64 on most devices, that follows the card from slot to
/// slot. It sits in extended config space (from offset 0x100), which sysfs lets only root
/// read; without it the identity is the bus address and ids alone.
///
/// The capability list is walked one dword at a time: every config-space read is a config
/// cycle (on a VM, a trap to the hypervisor), and reading all 4 KiB took 24 ms per device
/// here where the walk takes a few reads.
enum PCIeSerialNumber {
    static let capabilityID: UInt32 = 0x0003

    /// `00-02-c9-03-00-4a-5b-6c`, as lspci prints it (most significant byte first), or nil.
    /// `dword(offset)` reads config space (nil past what can be read).
    static func find(_ dword: (Int) -> UInt32?) -> String? {
        var offset = 0x100
        var visited = 0
        // The list is linked by 12-bit offsets; a loop or garbage ends the walk.
        while offset >= 0x100, offset + 12 <= 4096, visited < 64, let header = dword(offset) {
            visited += 1
            // An all-zero or all-ones header: no extended capabilities (or a dead device).
            if header == 0 || header == 0xffff_ffff { return nil }
            if header & 0xffff == capabilityID {
                guard let low = dword(offset + 4), let high = dword(offset + 8) else { return nil }
                let value = UInt64(high) << 32 | UInt64(low)
                return (0..<8).reversed().map { index in
                    let byte = UInt8(truncatingIfNeeded: value >> (UInt64(index) * 8))
                    let digits = String(byte, radix: 16)
                    return digits.count == 1 ? "0" + digits : digits
                }.joined(separator: "-")
            }
            offset = Int(header >> 20) & 0xffc
        }
        return nil
    }

    /// The walk over bytes already read (tests, and config space read whole).
    static func parse(config bytes: [UInt8]) -> String? {
        find { offset in
            guard offset >= 0, offset + 4 <= bytes.count else { return nil }
            return dword(bytes[offset..<(offset + 4)])
        }
    }

    static func dword(_ bytes: some Collection<UInt8>) -> UInt32? {
        guard bytes.count == 4 else { return nil }
        return bytes.reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }
}
