package import HostHealthModel

/// Whether a sensor's verdict counts toward the host, and if not, why. A verdict that does not
/// count is still judged, exported and shown (`hostctl status` marks it ignored and gives the
/// reason); `policy.components` with `ignore: false` makes any of them count.
///
/// The default is what a careful operator signs for a fleet of boards nobody has inspected:
/// - Chips whose readings mean the same on every board count: CPU (coretemp, k10temp,
///   zenpower), NVMe and drive temperatures, GPUs, DIMM sensors (jc42, spd5118), PSUs (pmbus).
/// - A Super I/O or similar board monitor (nct67xx, it87, w83xxx, f71xxx, …) has inputs whose
///   wiring only the board maker knows: an unwired thermistor reads 108–128 °C or −128 °C and
///   its alarm is raised against limits nobody set; `sensors` prints ALARM for them and
///   operators learn to ignore it. Such an input counts once the operator labels it in
///   sensors.conf (lm-sensors' own way of saying "this one is wired, and means this"): in
///   /etc/sensors.d, or in a sensors3.conf changed from the one its package shipped. Debian's
///   stock file labels the common pins of most such chips (`Vcore`, `AVCC`, `3VSB`, `Vbat`)
///   whatever the board wires, beside limits the BIOS left; its labels are not the operator's.
/// - ACPI thermal zones and power meters (acpitz, power_meter, atk0110) are the firmware's
///   figures, with trip points that are often nonsense; they count when labelled too.
/// - The CMOS battery (`Vbat`, labelled so by the distribution's own sensors3.conf on most Super
///   I/O chips) keeps the clock and the firmware settings while the host is off. Its voltage
///   says nothing about what the host can serve now, and BIOS limits for it are often tighter
///   than a fresh cell (a real board: 3.34 V, max 3.30 V, ALARM). Shown, never counted.
/// - A sensor that cannot be read, reports a fault, or reads a sentinel is unknown for itself
///   but does not make the host unknown: one bad channel must not drain a healthy host. The
///   reader as a whole failing still does (that is a reader problem, not a sensor's).
package enum SensorStanding {
    /// Where a chip's readings come from, by its driver (the chip name's prefix).
    package enum Source: Sendable, Equatable {
        case device
        case boardMonitor
        case firmware
    }

    /// Board monitors: Super I/O chips and the older LPC/SMBus monitors with freely wired inputs.
    static let boardMonitorPrefixes = [
        "nct6", "nct7", "it8", "w83", "f71", "f81", "f8000", "sch56", "sch311",
        "pc87", "vt1211", "vt8231", "dme1737", "smsc47", "asb100", "lm78", "lm85", "adt7463", "adt7475",
        "adt7476", "emc6d", "gigabyte_wmi",
    ]

    /// Firmware figures: ACPI thermal zones, the ACPI power meter, ASUS' ACPI monitor.
    static let firmwareDrivers: Set<String> = ["acpitz", "power_meter", "atk0110"]

    /// The driver name in a libsensors chip name: `nct6779` of `nct6779-isa-0290`.
    static func driver(ofChip chip: String) -> String {
        String(chip.prefix { $0 != "-" }).lowercased()
    }

    package static func source(ofChip chip: String) -> Source {
        let driver = driver(ofChip: chip)
        if firmwareDrivers.contains(driver) { return .firmware }
        if boardMonitorPrefixes.contains(where: { driver.hasPrefix($0) }) { return .boardMonitor }
        return .device
    }

    /// The backup (RTC/CMOS) battery's voltage, by the names lm-sensors' stock configuration and
    /// board makers give it.
    static func isBackupBattery(_ sensor: Sensor) -> Bool {
        guard sensor.type == .voltage else { return false }
        let name = sensor.label.lowercased().filter { $0.isLetter }
        return ["vbat", "vbatt", "vbattery", "battery", "cmosbattery", "vrtc", "rtcbattery"].contains(name)
    }

    /// Why the verdict on this sensor does not count toward the host; nil when it counts.
    package static func notCounted(_ sensor: Sensor, state: HealthState) -> String? {
        if state == .unknown {
            return "an unreadable sensor does not make the host unknown"
        }
        if isBackupBattery(sensor) {
            return "the CMOS battery matters only while the host is off"
        }
        if sensor.configuredLabel { return nil }
        let driver = driver(ofChip: sensor.chip)
        switch source(ofChip: sensor.chip) {
        case .device:
            return nil
        case .boardMonitor:
            return "a board monitor input (\(driver)) without an operator's sensors.conf label: its wiring is the board's"
        case .firmware:
            return "a firmware figure (\(driver)) without an operator's sensors.conf label"
        }
    }
}
