package import HostHealthModel
package import Udev
internal import HostSystem

/// Turns a udev block device into a `Disk`: which devices are whole disks worth judging, and
/// their identity from udev properties with sysfs attributes as the fallback (no udev daemon
/// in a container, or a device udev has not processed yet).
package struct DiskDescription: Sendable {
    /// Reads an attribute path below the device's syspath, e.g. `device/model`; nil when absent.
    package typealias Attribute = @Sendable (_ syspath: String, _ relative: String) -> String?

    let attribute: Attribute

    /// - Parameter attribute: nil reads the real (or umockdev's) sysfs.
    package init(attribute: Attribute? = nil) {
        self.attribute = attribute ?? { SysfsAttribute.text("\($0)/\($1)") }
    }

    /// Kernel names of whole disks: SCSI/SATA/SAS/USB (sd), NVMe namespaces, virtio, Xen, IDE
    /// and MMC. md, dm, loop, ram, zram, NVMe multipath paths (`nvme0c0n1`) and MMC boot and
    /// RPMB partitions are not disks of this domain.
    package static func isWholeDiskName(_ name: String) -> Bool {
        if name.hasPrefix("sd") || name.hasPrefix("vd") || name.hasPrefix("xvd") || name.hasPrefix("hd") {
            return name.dropFirst(name.hasPrefix("xvd") ? 3 : 2).allSatisfy { $0.isLetter && $0.isLowercase } && name.count > 2
        }
        if name.hasPrefix("mmcblk") {
            return !name.dropFirst(6).isEmpty && name.dropFirst(6).allSatisfy(\.isNumber)
        }
        if name.hasPrefix("nvme") {
            // nvme<ctrl>n<ns>
            let parts = name.dropFirst(4).split(separator: "n", omittingEmptySubsequences: false)
            return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
        }
        return false
    }

    /// The disk behind `device`, or nil when it is not a whole disk to judge (a partition, a
    /// virtual device, one marked `HOSTHEALTH_IGNORE=1` by the udev rules).
    package func disk(_ device: UdevDevice) -> Disk? {
        guard device.subsystem == "block", device.devtype == "disk" || device.devtype == nil,
              Self.isWholeDiskName(device.sysname),
              device.properties["HOSTHEALTH_IGNORE"] != "1"
        else { return nil }
        let path = device.syspath
        let properties = device.properties
        func property(_ keys: String...) -> String? {
            for key in keys { if let value = properties[key]?.trimmed, !value.isEmpty { return value } }
            return nil
        }
        func sysfs(_ relatives: String...) -> String? {
            for relative in relatives { if let value = attribute(path, relative)?.trimmed, !value.isEmpty { return value } }
            return nil
        }
        // libudev lists links from its database; the DEVLINKS property carries the same.
        let links = device.devlinks.isEmpty
            ? (properties["DEVLINKS"] ?? "").split(separator: " ").map(String.init) : device.devlinks
        let byID = links.filter { $0.hasPrefix("/dev/disk/by-id/") }.sorted()
        let byPath = links.first { $0.hasPrefix("/dev/disk/by-path/") }
            ?? property("ID_PATH").map { "/dev/disk/by-path/\($0)" }
        let identity = DiskIdentity(
            model: property("ID_MODEL").map { $0.replacing("_", with: " ") } ?? sysfs("device/model"),
            serial: property("ID_SERIAL_SHORT", "ID_SCSI_SERIAL") ?? sysfs("device/serial", "serial"),
            wwn: property("ID_WWN_WITH_EXTENSION", "ID_WWN").map(Self.wwn) ?? sysfs("wwid", "device/wwid").map(Self.wwn),
            firmware: property("ID_REVISION") ?? sysfs("device/firmware_rev", "device/rev"),
            byID: byID, byPath: byPath, sysfsPath: Self.location(of: path, name: device.sysname),
            sizeBytes: sysfs("size").flatMap { UInt64($0) }.map { $0 &* 512 },
            rotational: sysfs("queue/rotational").map { $0 == "1" },
            removable: sysfs("removable").map { $0 == "1" },
            transport: Self.transport(name: device.sysname, properties: properties, syspath: path))
        var disk = Disk(name: device.sysname, identity: identity)
        disk.declared = ComponentRule(udevProperties: properties)
        refresh(&disk, syspath: path)
        return disk
    }

    /// Re-reads what moves: I/O counters and device state.
    package func refresh(_ disk: inout Disk, syspath: String) {
        disk.counters = attribute(syspath, "stat").flatMap { DiskIOCounters(stat: $0) }
        disk.deviceState = attribute(syspath, "device/state")?.trimmed
        disk.ioErrorCount = attribute(syspath, "device/ioerr_cnt").flatMap(Self.hex)
        disk.ioTimeoutCount = attribute(syspath, "device/iotmo_cnt").flatMap(Self.hex)
    }

    /// `0x1f` (how the SCSI midlayer writes its counters) or plain decimal.
    static func hex(_ text: String) -> UInt64? {
        let trimmed = text.trimmed
        if trimmed.hasPrefix("0x") { return UInt64(trimmed.dropFirst(2), radix: 16) }
        return UInt64(trimmed)
    }

    /// udev writes `0x5000c500a1b2c3d4`; sysfs writes `naa.5000c500a1b2c3d4`, `eui.…` or
    /// `nvme.…`. NAA ids are shown the udev way so both sources give one id.
    static func wwn(_ text: String) -> String {
        if text.hasPrefix("naa.") { return "0x" + text.dropFirst(4).lowercased() }
        return text
    }

    /// `/sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda` → `pci0000:00/0000:00:02.0/virtio1`.
    static func location(of syspath: String, name: String) -> String? {
        var path = Substring(syspath)
        if path.hasPrefix("/sys/devices/") { path = path.dropFirst("/sys/devices/".count) }
        if path.hasSuffix("/block/\(name)") { path = path.dropLast("/block/\(name)".count) }
        return path.isEmpty ? nil : String(path)
    }

    static func transport(name: String, properties: [String: String], syspath: String) -> DiskTransport {
        let bus = properties["ID_BUS"]
        let idPath = properties["ID_PATH"] ?? ""
        if bus == "usb" || idPath.contains("-usb-") || syspath.contains("/usb") { return .usb }
        if name.hasPrefix("nvme") || bus == "nvme" { return .nvme }
        if name.hasPrefix("vd") || syspath.contains("/virtio") { return .virtio }
        if name.hasPrefix("xvd") { return .xen }
        if name.hasPrefix("mmcblk") { return .mmc }
        if name.hasPrefix("hd") { return .ide }
        if bus == "ata" || properties["ID_ATA_SATA"] == "1" || idPath.contains("-ata-") || syspath.contains("/ata") { return .sata }
        if idPath.contains("-sas-") || syspath.contains("/port-") || syspath.contains("/end_device-") { return .sas }
        if name.hasPrefix("sd") { return .scsi }
        return .unknown
    }
}

extension String {
    var trimmed: String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
