/// The Device Serial Number extended capability (PCIe Base Specification, capability ID
/// 0x0003): a 64-bit number, an EUI-64 on most devices, that follows the card from slot to
/// slot. It sits in extended config space (from offset 0x100), which sysfs lets only root
/// read; without it the identity is the bus address and ids alone.
enum PCIeSerialNumber {
    static let capabilityID: UInt32 = 0x0003

    /// `00-02-c9-03-00-4a-5b-6c`, as lspci prints it (most significant byte first), or nil.
    static func parse(config bytes: [UInt8]) -> String? {
        var offset = 0x100
        var visited = 0
        // The list is linked by 12-bit offsets; a loop or garbage ends the walk.
        while offset >= 0x100, offset + 12 <= bytes.count, visited < 64 {
            visited += 1
            let header = dword(bytes, offset)
            // An all-zero or all-ones header: no extended capabilities (or a dead device).
            if header == 0 || header == 0xffff_ffff { return nil }
            if header & 0xffff == capabilityID {
                let low = UInt64(dword(bytes, offset + 4))
                let high = UInt64(dword(bytes, offset + 8))
                let value = high << 32 | low
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

    private static func dword(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }
}
