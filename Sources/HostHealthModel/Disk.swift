/// One whole disk as the disk reader last saw it: who it is (stable across reboots and
/// re-enumeration) and what the kernel says about it right now.
package struct Disk: Sendable, Equatable {
    /// The kernel name: `sda`, `nvme0n1`, `vda`. Changes across reboots; `identity.key` does not.
    package var name: String
    package var identity: DiskIdentity
    package var counters: DiskIOCounters?
    /// SCSI `device/state` (`running`, `offline`, `blocked`, …) or the NVMe controller's
    /// `state` (`live`, `resetting`, `dead`, …); nil when the driver has neither.
    package var deviceState: String?
    /// SCSI `device/ioerr_cnt` and `device/iotmo_cnt`: commands that failed or timed out
    /// since the device was found.
    package var ioErrorCount: UInt64?
    package var ioTimeoutCount: UInt64?
    /// What the disk's udev properties declare (`HOSTHEALTH_INTENT` from the shipped rules).
    package var declared: ComponentRule?

    package init(
        name: String, identity: DiskIdentity, counters: DiskIOCounters? = nil, deviceState: String? = nil,
        ioErrorCount: UInt64? = nil, ioTimeoutCount: UInt64? = nil
    ) {
        self.name = name
        self.identity = identity
        self.counters = counters
        self.deviceState = deviceState
        self.ioErrorCount = ioErrorCount
        self.ioTimeoutCount = ioTimeoutCount
    }

    /// The device states in which the kernel no longer sends the disk any I/O.
    package var isOffline: Bool {
        switch deviceState {
        case "offline", "transport-offline", "dead", "deleting", "del": true
        default: false
        }
    }
}

/// How a disk is attached, as udev's `ID_BUS`/`ID_PATH` and the kernel name tell it.
package enum DiskTransport: String, Sendable, CaseIterable {
    case sata, sas, scsi, nvme, usb, virtio, mmc, xen, ide, unknown
}

/// A disk's identity: what an operator needs to find the drive in the rack and what makes its
/// component id stable.
package struct DiskIdentity: Sendable, Equatable {
    package var model: String?
    package var serial: String?
    /// World Wide Name, e.g. `0x5000c500a1b2c3d4` or an NVMe `eui.`/`nvme.` id.
    package var wwn: String?
    package var firmware: String?
    /// `/dev/disk/by-id/…` and `/dev/disk/by-path/…` links.
    package var byID: [String]
    package var byPath: String?
    /// The device's physical location in sysfs (`pci0000:00/0000:00:02.0/virtio1`): the last
    /// resort for an id when udev gave no by-path link.
    package var sysfsPath: String?
    package var sizeBytes: UInt64?
    package var rotational: Bool?
    package var removable: Bool?
    package var transport: DiskTransport

    package init(
        model: String? = nil, serial: String? = nil, wwn: String? = nil, firmware: String? = nil,
        byID: [String] = [], byPath: String? = nil, sysfsPath: String? = nil, sizeBytes: UInt64? = nil,
        rotational: Bool? = nil, removable: Bool? = nil, transport: DiskTransport = .unknown
    ) {
        self.model = model
        self.serial = serial
        self.wwn = wwn
        self.firmware = firmware
        self.byID = byID
        self.byPath = byPath
        self.sysfsPath = sysfsPath
        self.sizeBytes = sizeBytes
        self.rotational = rotational
        self.removable = removable
        self.transport = transport
    }

    /// The component key: WWN, else serial, else the by-path name, else the sysfs location.
    /// Prefixed by what it is, so a serial can never collide with a path.
    package func key(fallbackName name: String) -> String {
        if let wwn, !wwn.isEmpty { return "wwn-\(wwn)" }
        if let serial, !serial.isEmpty { return "serial-\(serial)" }
        if let byPath, !byPath.isEmpty { return "path-\(byPath.split(separator: "/").last.map(String.init) ?? byPath)" }
        if let sysfsPath, !sysfsPath.isEmpty { return "sysfs-\(sysfsPath)" }
        return "name-\(name)"
    }
}

/// The counters of `/sys/block/<disk>/stat` (Documentation/block/stat.rst) in base units:
/// sectors there are always 512 bytes, whatever the disk's block size, and times are ms.
package struct DiskIOCounters: Sendable, Equatable {
    package var readsCompleted: UInt64
    package var readsMerged: UInt64
    package var readBytes: UInt64
    package var readSeconds: Double
    package var writesCompleted: UInt64
    package var writesMerged: UInt64
    package var writtenBytes: UInt64
    package var writeSeconds: Double
    package var inFlight: UInt64
    /// Time the disk had I/O in flight (`io_ticks`): utilisation when divided by wall time.
    package var ioSeconds: Double
    /// Weighted time in queue (`time_in_queue`): average queue length when divided by wall time.
    package var weightedIOSeconds: Double
    /// Discards and flushes exist since kernels 4.18 and 5.5: nil on older ones.
    package var discardsCompleted: UInt64?
    package var discardsMerged: UInt64?
    package var discardedBytes: UInt64?
    package var discardSeconds: Double?
    package var flushesCompleted: UInt64?
    package var flushSeconds: Double?

    package init(
        readsCompleted: UInt64 = 0, readsMerged: UInt64 = 0, readBytes: UInt64 = 0, readSeconds: Double = 0,
        writesCompleted: UInt64 = 0, writesMerged: UInt64 = 0, writtenBytes: UInt64 = 0, writeSeconds: Double = 0,
        inFlight: UInt64 = 0, ioSeconds: Double = 0, weightedIOSeconds: Double = 0,
        discardsCompleted: UInt64? = nil, discardsMerged: UInt64? = nil, discardedBytes: UInt64? = nil,
        discardSeconds: Double? = nil, flushesCompleted: UInt64? = nil, flushSeconds: Double? = nil
    ) {
        self.readsCompleted = readsCompleted
        self.readsMerged = readsMerged
        self.readBytes = readBytes
        self.readSeconds = readSeconds
        self.writesCompleted = writesCompleted
        self.writesMerged = writesMerged
        self.writtenBytes = writtenBytes
        self.writeSeconds = writeSeconds
        self.inFlight = inFlight
        self.ioSeconds = ioSeconds
        self.weightedIOSeconds = weightedIOSeconds
        self.discardsCompleted = discardsCompleted
        self.discardsMerged = discardsMerged
        self.discardedBytes = discardedBytes
        self.discardSeconds = discardSeconds
        self.flushesCompleted = flushesCompleted
        self.flushSeconds = flushSeconds
    }

    /// Parses the text of a `stat` file: 11, 15 or 17 whitespace-separated decimal fields.
    /// Anything else is nil: a truncated or foreign file is not silently read as zeros.
    package init?(stat text: String) {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
        guard fields.count >= 11 else { return nil }
        var values: [UInt64] = []
        values.reserveCapacity(fields.count)
        for field in fields {
            guard let value = UInt64(field) else { return nil }
            values.append(value)
        }
        let sector: UInt64 = 512
        func seconds(_ ms: UInt64) -> Double { Double(ms) / 1000 }
        self.init(
            readsCompleted: values[0], readsMerged: values[1], readBytes: values[2] &* sector, readSeconds: seconds(values[3]),
            writesCompleted: values[4], writesMerged: values[5], writtenBytes: values[6] &* sector, writeSeconds: seconds(values[7]),
            inFlight: values[8], ioSeconds: seconds(values[9]), weightedIOSeconds: seconds(values[10]))
        if values.count >= 15 {
            discardsCompleted = values[11]
            discardsMerged = values[12]
            discardedBytes = values[13] &* sector
            discardSeconds = seconds(values[14])
        }
        if values.count >= 17 {
            flushesCompleted = values[15]
            flushSeconds = seconds(values[16])
        }
    }
}
