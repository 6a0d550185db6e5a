internal import Glibc
@testable import PCIeReader
import Testing

/// A small database in pci.ids' own layout, written per test.
@Suite struct PCIIDsTests {
    static let database = """
        # comment
        15b3  Mellanox Technologies
        \t1017  MT27800 Family [ConnectX-5]
        \t101b  MT28908 Family [ConnectX-6]
        \t\t15b3 0007  Mellanox ConnectX-6 HDR100 QSFP56
        1002  Advanced Micro Devices, Inc. [AMD/ATI]
        \t740f  Aldebaran/MI200 [Instinct MI210]
        8086  Intel Corporation
        \t0953  PCIe Data Center SSD
        C 01  Mass storage controller
        \t08  Non-Volatile memory controller
        \t\t02  NVM Express
        C 02  Network controller
        \t00  Ethernet controller

        """

    func load(_ wanted: Set<UInt32>) throws -> PCIIDs {
        let path = "/tmp/hosthealth-pciids-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(fd >= 0)
        _ = Self.database.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
        close(fd)
        defer { unlink(path) }
        return PCIIDs.load(path: path, wanted: wanted)
    }

    @Test func namesOfWantedDevicesAreShort() throws {
        let ids = try load([0x15b3_101b, 0x1002_740f, 0x8086_0953])
        #expect(ids.describe(vendor: 0x15b3, device: 0x101b, classCode: 0x020000) == "Mellanox ConnectX-6")
        #expect(ids.describe(vendor: 0x1002, device: 0x740f, classCode: 0x038000) == "AMD/ATI Instinct MI210")
        #expect(ids.describe(vendor: 0x8086, device: 0x0953, classCode: 0x010802) == "Intel PCIe Data Center SSD")
    }

    @Test func vendorNamesLoseTheirCorporateWords() {
        #expect(PCIIDs.short(vendor: "Red Hat, Inc.") == "Red Hat")
        #expect(PCIIDs.short(vendor: "Samsung Electronics Co Ltd") == "Samsung")
        #expect(PCIIDs.short(vendor: "Broadcom Inc. and subsidiaries") == "Broadcom")
        #expect(PCIIDs.short(vendor: "NVIDIA Corporation") == "NVIDIA")
        #expect(PCIIDs.short(vendor: "ASPEED Technology, Inc.") == "ASPEED")
        #expect(PCIIDs.short(vendor: "Advanced Micro Devices, Inc. [AMD]") == "AMD")
    }

    @Test func unwantedDevicesAreNotLoaded() throws {
        let ids = try load([0x15b3_101b])
        #expect(ids.devices[0x15b3_1017] == nil)
        #expect(ids.describe(vendor: 0x15b3, device: 0x1017, classCode: 0x020000) == "Mellanox Ethernet controller [15b3:1017]")
    }

    @Test func unknownIdsFallBackToClassNames() throws {
        let ids = try load([0x144d_a80a])
        #expect(ids.describe(vendor: 0x144d, device: 0xa80a, classCode: 0x010802) == "Non-Volatile memory controller [144d:a80a]")
    }

    @Test func withoutTheFileBaseClassNamesRemain() {
        let ids = PCIIDs.load(path: "/nonexistent/pci.ids", wanted: [0x15b3_101b])
        #expect(ids.describe(vendor: 0x15b3, device: 0x101b, classCode: 0x020000) == "Network controller [15b3:101b]")
        #expect(ids.describe(vendor: nil, device: nil, classCode: nil) == "PCI device")
    }
}
