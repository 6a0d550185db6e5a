/// The readers `--collector.NAME` and `--no-collector.NAME` turn on and off, by the names their
/// status carries in the snapshot. A domain reader adds its case here; the daemon's flags and
/// `--help`, the snapshot's reader list and the fold's bookkeeping follow from this list.
package enum Collector: String, Sendable, CaseIterable, Comparable {
    case links
    case arrays
    case disks
    case smart
    case kmsg
    case sensors
    case memory
    case cpu
    case pcie

    /// What the collector reads, for `--help`.
    package var help: String {
        switch self {
        case .links: "Network links over rtnetlink: state, carrier, speed, counters."
        case .arrays: "md RAID arrays from sysfs, woken by udev: state, members, rebuild progress."
        case .disks: "Whole disks through udev and sysfs: identity, I/O counters, device state."
        case .smart: "SMART through smartctl --json in the background, never waking a sleeping disk."
        case .kmsg: "The kernel log (/dev/kmsg), one reader for every domain: disk I/O errors, timeouts and resets, and what other domains recognise in it."
        case .pcie: "PCIe devices from sysfs, woken by udev: link training against capability, AER error counters."
        case .sensors: "Hardware sensors through libsensors and sensors.conf: temperatures, voltages, fans, power, limits, alarms."
        case .memory: "Memory errors from EDAC (/sys/devices/system/edac): corrected and uncorrected per DIMM, at once from the kernel log."
        case .cpu: "CPU packages: thermal throttling (/sys/devices/system/cpu/*/thermal_throttle) and machine checks from the kernel log."
        }
    }

    /// The first verdict and READY=1 wait for this collector's first read (a few milliseconds
    /// of enumeration); SMART and the kernel log are not waited for, a smartctl run can take
    /// its whole timeout.
    package var readsAtStart: Bool {
        switch self {
        case .links, .arrays, .disks, .sensors, .pcie, .memory, .cpu: true
        case .smart, .kmsg: false
        }
    }

    package static func < (lhs: Collector, rhs: Collector) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
