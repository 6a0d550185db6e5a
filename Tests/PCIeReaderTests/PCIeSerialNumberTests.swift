internal import Glibc
@testable import PCIeReader
import Testing

@Suite struct PCIeSerialNumberTests {
    /// Config space with AER at 0x100 (next 0x148) and DSN at 0x148.
    static func config(serial: UInt64?) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 4096)
        func put(_ value: UInt32, at offset: Int) {
            for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(index))) }
        }
        // AER: id 0x0001, version 2, next 0x148.
        put(0x0001 | 2 << 16 | 0x148 << 20, at: 0x100)
        if let serial {
            put(0x0003 | 1 << 16, at: 0x148)
            put(UInt32(truncatingIfNeeded: serial), at: 0x14c)
            put(UInt32(truncatingIfNeeded: serial >> 32), at: 0x150)
        }
        return bytes
    }

    @Test func serialIsFoundByWalkingTheList() {
        #expect(PCIeSerialNumber.parse(config: Self.config(serial: 0x0002_c903_004a_5b6c)) == "00-02-c9-03-00-4a-5b-6c")
    }

    @Test func noSerialCapability() {
        #expect(PCIeSerialNumber.parse(config: Self.config(serial: nil)) == nil)
    }

    @Test func unprivilegedReadOfTheFirst64BytesHasNone() {
        #expect(PCIeSerialNumber.parse(config: [UInt8](repeating: 0xff, count: 64)) == nil)
    }

    @Test func theReaderWalksAConfigFileADwordAtATime() throws {
        let path = "/tmp/hosthealth-config-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(fd >= 0)
        _ = Self.config(serial: 0x0002_c903_004a_5b6c).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        defer { unlink(path) }
        #expect(PCIeDeviceReader.serialNumber(config: path) == "00-02-c9-03-00-4a-5b-6c")
        #expect(PCIeDeviceReader.serialNumber(config: "/nonexistent/config") == nil)
    }

    @Test func aLoopInTheListEnds() {
        var bytes = [UInt8](repeating: 0, count: 4096)
        // id 0x0001, next pointing at itself.
        let header: UInt32 = 0x0001 | 0x100 << 20
        for index in 0..<4 { bytes[0x100 + index] = UInt8(truncatingIfNeeded: header >> (8 * UInt32(index))) }
        #expect(PCIeSerialNumber.parse(config: bytes) == nil)
    }
}
