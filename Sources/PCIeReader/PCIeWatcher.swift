package import HostHealthModel
internal import Synchronization
internal import Udev
package import HostSystem

/// Watches PCI functions: all read at start and after lost uevents, the set changed on
/// udev add/remove, and every device's counters and link re-read every `pollInterval` (the
/// kernel sends no uevent when a counter rises or a link retrains). Runs on the thread that
/// calls `run`, as libudev requires; nothing here is on a scrape's path.
package final class PCIeWatcher: Sendable {
    private let watcher = UdevWatcher(matches: [UdevMatch(subsystem: "pci")])
    private let settings: Mutex<(interval: Double, pciIDs: String)>
    private let reader = PCIeDeviceReader()

    package init(pollIntervalSeconds: Double = 10, pciIDsPath: String = "/usr/share/misc/pci.ids") {
        settings = Mutex((pollIntervalSeconds, pciIDsPath))
    }

    /// Takes a new `pcie.poll_interval` and `pcie.pci_ids` (SIGHUP) from any thread.
    package func configure(pollIntervalSeconds: Double, pciIDsPath: String) {
        settings.withLock { $0 = (pollIntervalSeconds, pciIDsPath) }
    }

    /// Blocks until `stop()`, handing every update to `deliver` on this thread.
    package func run(_ deliver: (PCIeUpdate) -> Void) throws(HostHealthError) {
        var refresh = PCIeRefresh(reader: reader)
        try watcher.run { wakeup in
            let (interval, path) = settings.withLock { $0 }
            deliver(refresh.update(for: wakeup, pciIDsPath: path))
            return interval
        }
    }

    package func stop() {
        watcher.stop()
    }
}

/// What the watcher knows between wakeups: the devices udev listed, their names and serials.
struct PCIeRefresh {
    struct Known {
        var syspath: String
        var parentSyspath: String?
        var declared: ComponentRule?
    }

    let reader: PCIeDeviceReader
    private(set) var known: [String: Known] = [:]
    private var names = PCIIDs()
    private var namesPath: String?
    /// Read once per device: config space does not change while the device is there.
    private var serials: [String: String?] = [:]

    init(reader: PCIeDeviceReader) {
        self.reader = reader
    }

    mutating func update(for wakeup: UdevWakeup, pciIDsPath: String) -> PCIeUpdate {
        let start = SystemClock.monotonic.seconds()
        var cause = "poll"
        var events = 0
        switch wakeup {
        case .started(let devices), .overflow(let devices):
            if case .overflow = wakeup { cause = "overflow" } else { cause = "start" }
            known = [:]
            serials = [:]
            for device in devices { remember(device) }
        case .events(let devices):
            cause = "uevent"
            events = devices.count
            for device in devices {
                if device.action == "remove" {
                    known[device.sysname] = nil
                    serials[device.sysname] = nil
                } else {
                    if device.action == "add" { serials[device.sysname] = nil }
                    remember(device)
                }
            }
        case .timeout:
            break
        }
        var devices: [String: PCIeDevice] = [:]
        devices.reserveCapacity(known.count)
        var read: [String: PCIeDevice] = [:]
        for (address, entry) in known {
            let first = serials[address] == nil
            var device = reader.read(syspath: entry.syspath, parentSyspath: entry.parentSyspath, names: names, readSerial: first)
            if first { serials[address] = .some(device.serialNumber) } else { device.serialNumber = serials[address] ?? nil }
            device.declared = entry.declared
            read[address] = device
        }
        // Names are looked up for the ids present; a device with new ids loads them again.
        let wanted = Set(read.values.compactMap { device in
            device.vendorID.flatMap { vendor in device.deviceID.map { UInt32(vendor) << 16 | UInt32($0) } }
        })
        if namesPath != pciIDsPath || !wanted.isSubset(of: names.loaded) {
            names = PCIIDs.load(path: pciIDsPath, wanted: wanted.union(names.loaded))
            namesPath = pciIDsPath
        }
        for (address, var device) in read {
            device.name = names.describe(vendor: device.vendorID, device: device.deviceID, classCode: device.classCode)
            devices[address] = device
        }
        return PCIeUpdate(devices: devices, cause: cause, events: events, durationSeconds: SystemClock.monotonic.seconds() - start)
    }

    private mutating func remember(_ device: UdevDevice) {
        guard PCIeDevice.isAddress(device.sysname) else { return }
        known[device.sysname] = Known(
            syspath: device.syspath, parentSyspath: device.parentSyspath,
            declared: ComponentRule(udevProperties: device.properties))
    }
}
