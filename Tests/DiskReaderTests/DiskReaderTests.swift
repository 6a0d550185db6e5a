import DiskReader
import Glibc
import HostHealthModel
import Testing
import Udev

@Suite("DiskDescription: which block devices are whole disks")
struct DiskNameTests {
    @Test(arguments: ["sda", "sdaa", "vda", "xvdb", "hda", "nvme0n1", "nvme12n3", "mmcblk0"])
    func wholeDisks(_ name: String) {
        #expect(DiskDescription.isWholeDiskName(name))
    }

    @Test(arguments: ["sda1", "nvme0n1p1", "nvme0c0n1", "mmcblk0p1", "mmcblk0boot0", "mmcblk0rpmb", "md0", "dm-0", "loop0", "ram0", "zram0", "sr0", "sd", "nvme0"])
    func notWholeDisks(_ name: String) {
        #expect(!DiskDescription.isWholeDiskName(name))
    }
}

@Suite("DiskDescription: what a disk's udev properties declare")
struct DiskDeclarationTests {
    func disk(_ properties: [String: String]) -> Disk? {
        let device = UdevDevice(
            syspath: "/sys/devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda", sysname: "sda",
            subsystem: "block", devtype: "disk", devnode: "/dev/sda", properties: properties)
        return DiskDescription(attribute: { _, _ in nil }).disk(device)
    }

    @Test func anIntentFromTheUdevRulesTravelsWithTheDisk() {
        #expect(disk(["HOSTHEALTH_INTENT": "converging"])?.declared == ComponentRule(intent: .converging))
        #expect(disk([:])?.declared == nil)
    }

    @Test func aDiskTheRulesIgnoreIsNotJudged() {
        #expect(disk(["HOSTHEALTH_IGNORE": "1"]) == nil)
    }
}

/// The disk reader run against umockdev testbeds of real disk layouts, through the real libudev
/// and sysfs reads (the preload redirects them), by the `disk-probe` tool.
@Suite("DiskCollector: disks read from umockdev testbeds")
struct DiskCollectorTestbedTests {
    static let probe = ".build/debug/disk-probe"
    static let testbeds = "Tests/DiskReaderTests/testbeds"
    static var available: Bool {
        access("/usr/bin/umockdev-run", X_OK) == 0 && access(probe, X_OK) == 0
    }

    /// The probe's lines under `testbed`, as name → fields.
    func disks(in testbed: String) throws -> [String: [String: String]] {
        let output = try run("umockdev-run -d '\(Self.testbeds)/\(testbed)' -- '\(Self.probe)'")
        var result: [String: [String: String]] = [:]
        for line in output.split(separator: "\n") {
            var fields: [String: String] = [:]
            for field in line.split(separator: "\t") {
                guard let equals = field.firstIndex(of: "=") else { continue }
                fields[String(field[..<equals])] = String(field[field.index(after: equals)...])
            }
            if let name = fields["name"] { result[name] = fields }
        }
        return result
    }

    @Test(.enabled(if: available, "umockdev-run or .build/debug/disk-probe missing"))
    func sataHardDiskHasItsIdentityCountersAndErrorCounts() throws {
        let sda = try #require(try disks(in: "sata-hdd.umockdev")["sda"])
        #expect(sda["key"] == "wwn-0x50014ee2b1234567")
        #expect(sda["model"] == "WDC WD40EFRX-68N32N0")
        #expect(sda["serial"] == "WD-WCC7K1234567")
        #expect(sda["firmware"] == "82.00A82")
        #expect(sda["transport"] == "sata")
        #expect(sda["size"] == "4000787030016")
        #expect(sda["rotational"] == "true")
        #expect(sda["by_path"] == "/dev/disk/by-path/pci-0000:00:1f.2-ata-1")
        #expect(sda["by_id"] == "/dev/disk/by-id/ata-WDC_WD40EFRX-68N32N0_WD-WCC7K1234567,/dev/disk/by-id/wwn-0x50014ee2b1234567")
        #expect(sda["state"] == "running")
        #expect(sda["ioerr"] == "3")
        #expect(sda["iotmo"] == "1")
        #expect(sda["read_bytes"] == "1048576")
    }

    @Test(.enabled(if: available, "umockdev-run or .build/debug/disk-probe missing"))
    func sataSSDWithoutWWNIsKeyedBySerialAndItsPartitionIsFolded() throws {
        let disks = try disks(in: "sata-ssd.umockdev")
        #expect(Set(disks.keys) == ["sdb"])
        #expect(disks["sdb"]?["key"] == "serial-S6PUNX0R123456")
        #expect(disks["sdb"]?["rotational"] == "false")
        #expect(disks["sdb"]?["state"] == "offline")
        #expect(disks["sdb"]?["ioerr"] == "31")
    }

    @Test(.enabled(if: available, "umockdev-run or .build/debug/disk-probe missing"))
    func nvmeNamespaceHasItsControllersStateAndEUI() throws {
        let nvme = try #require(try disks(in: "nvme.umockdev")["nvme0n1"])
        #expect(nvme["key"] == "wwn-eui.002538b111b2c3d4")
        #expect(nvme["transport"] == "nvme")
        #expect(nvme["state"] == "live")
        #expect(nvme["firmware"] == "5B2QGXA7")
    }

    @Test(.enabled(if: available, "umockdev-run or .build/debug/disk-probe missing"))
    func virtioDiskWithoutSerialIsKeyedByItsLocationAndVirtualDevicesAreLeftOut() throws {
        let disks = try disks(in: "virtio.umockdev")
        #expect(Set(disks.keys) == ["vda"], "loop0, zram0 and the HOSTHEALTH_IGNORE=1 vdb stay out")
        #expect(disks["vda"]?["key"] == "sysfs-pci0000:00/0000:00:02.0/virtio1")
        #expect(disks["vda"]?["transport"] == "virtio")
        #expect(disks["vda"]?["serial"] == nil)
        #expect(disks["vda"]?["read_bytes"] == String(11_034_874 * 512))
    }

    @Test(.enabled(if: available, "umockdev-run or .build/debug/disk-probe missing"))
    func usbStickIsRemovableOnUSB() throws {
        let sdc = try #require(try disks(in: "usb-stick.umockdev")["sdc"])
        #expect(sdc["transport"] == "usb")
        #expect(sdc["removable"] == "true")
        #expect(sdc["model"] == "Cruzer Blade")
    }

    @Test(.enabled(if: available && access("/usr/bin/umockdev-wrapper", X_OK) == 0, "umockdev-wrapper missing"))
    func hotPluggedDiskComesAndGoesWithItsUevents() throws {
        let output = try run("/usr/bin/python3 Tests/DiskReaderTests/hotplug-under-umockdev.py '\(Self.probe)'")
        #expect(output == "start\tsdz\nuevent\tsdy,sdz\nuevent\tsdz\n")
    }

    func run(_ command: String) throws -> String {
        guard let pipe = popen(command, "r") else { throw Errno(errno) }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, pipe)
            if count <= 0 { break }
            output += buffer[..<count]
        }
        let status = pclose(pipe)
        guard status == 0 else { throw Errno(status) }
        return String(decoding: output, as: UTF8.self)
    }
}

/// `Errno` for the test's own failures.
struct Errno: Error { var code: Int32; init(_ code: Int32) { self.code = code } }
