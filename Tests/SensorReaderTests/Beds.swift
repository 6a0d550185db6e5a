/// The chips of the reader tests, written for the cases they test (values in the kernel's
/// units: millidegrees, millivolts, rpm).
enum Beds {
    /// Every chip below in one testbed, the Super-I/O chip with its case opened.
    static func all(into bed: inout Testbed) {
        coretempTwoPackages(into: &bed)
        superIO(into: &bed, intrusion: true)
        nvme(into: &bed)
        faulty(into: &bed)
        twoThermalZones(into: &bed)
    }

    /// Two CPU packages, each with a package and two core temperatures, as coretemp shows them.
    static func coretempTwoPackages(into bed: inout Testbed) {
        for package in 0...1 {
            bed.device("/devices/platform/coretemp.\(package)", subsystem: "platform")
            bed.hwmon(
                "/devices/platform/coretemp.\(package)/hwmon/hwmon\(package + 1)", name: "coretemp", device: "../../../coretemp.\(package)",
                attributes: [
                    "temp1_label": "Package id \(package)", "temp1_input": "\(45 + package)000", "temp1_max": "80000",
                    "temp1_crit": "100000", "temp1_crit_alarm": "0",
                    "temp2_label": "Core 0", "temp2_input": "4\(package)000", "temp2_max": "80000", "temp2_crit": "100000",
                    "temp2_crit_alarm": "0",
                    "temp3_label": "Core 1", "temp3_input": "4\(package + 2)000", "temp3_max": "80000", "temp3_crit": "100000",
                    "temp3_crit_alarm": "0",
                ])
        }
    }

    static let coretempHwmon = "/sys/devices/platform/coretemp.0/hwmon/hwmon1"

    /// A Super-I/O chip at ISA 0x290 with voltages (one behind a divider that sensors.d
    /// computes), fans, a temperature with a hardware hysteresis and a chassis intrusion flag.
    static func superIO(into bed: inout Testbed, intrusion: Bool = false) {
        bed.device("/devices/platform/nct6775.656", subsystem: "platform")
        bed.hwmon(
            "/devices/platform/nct6775.656/hwmon/hwmon3", name: "nct6779", device: "../../../nct6775.656",
            attributes: [
                "in0_input": "792", "in0_min": "700", "in0_max": "1500", "in0_alarm": "0", "in0_beep": "0",
                "in1_input": "1000", "in1_min": "900", "in1_max": "1100", "in1_alarm": "0",
                "in2_input": "3312", "in2_min": "2976", "in2_max": "3632", "in2_alarm": "0",
                "fan1_input": "0", "fan1_min": "300", "fan1_alarm": "1", "fan1_pulses": "2",
                "fan2_input": "1098", "fan2_min": "300", "fan2_alarm": "0", "fan2_div": "2",
                "temp1_input": "38500", "temp1_max": "80000", "temp1_max_hyst": "75000", "temp1_crit": "95000",
                "temp1_type": "4",
                "intrusion0_alarm": intrusion ? "1" : "0", "intrusion0_beep": "0",
            ])
    }

    /// The sensors.d file for the Super-I/O chip: labels, a divider computed back to volts,
    /// an ignored input.
    static let superIOConfig = """
        chip "nct6779-isa-0290"
            label in0 "Vcore"
            label in1 "+12V"
            compute in1 @*12, @/12
            ignore in2
            label fan2 "CPU fan"
            label temp1 "SYSTIN"
        """

    /// An NVMe drive's composite temperature, under its controller under a PCI function.
    static func nvme(into bed: inout Testbed) {
        bed.device("/devices/pci0000:00/0000:00:1d.0", subsystem: "pci")
        bed.device("/devices/pci0000:00/0000:00:1d.0/0000:3d:00.0", subsystem: "pci")
        bed.device(
            "/devices/pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0", subsystem: "nvme",
            links: ["device": "../../../0000:3d:00.0"])
        bed.hwmon(
            "/devices/pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0/hwmon4", name: "nvme", device: "../../nvme0",
            attributes: [
                "temp1_label": "Composite", "temp1_input": "38850", "temp1_max": "81850", "temp1_min": "-273150",
                "temp1_crit": "84850", "temp1_alarm": "0",
                "temp2_label": "Sensor 1", "temp2_input": "41850", "temp2_max": "65261850", "temp2_min": "-273150",
            ])
    }

    /// A chip with one sensor it calls faulty (an open diode), one whose input cannot be
    /// parsed, and one that works.
    static func faulty(into bed: inout Testbed) {
        bed.device("/devices/platform/it87.2608", subsystem: "platform")
        bed.hwmon(
            "/devices/platform/it87.2608/hwmon/hwmon5", name: "it8721", device: "../../../it87.2608",
            attributes: [
                "temp1_input": "-128000", "temp1_fault": "1", "temp1_max": "127000",
                "temp2_input": "not a number", "temp2_max": "127000",
                "temp3_input": "36000", "temp3_max": "127000", "temp3_fault": "0",
            ])
    }

    /// Two ACPI thermal zones: one driver, and libsensors names both `acpitz-acpi-0`.
    static func twoThermalZones(into bed: inout Testbed) {
        bed.device("/devices/LNXSYSTM:00", subsystem: "acpi")
        for zone in 0...1 {
            bed.device("/devices/LNXSYSTM:00/LNXTHERM:0\(zone)", subsystem: "acpi")
            bed.device(
                "/devices/virtual/thermal/thermal_zone\(zone)", subsystem: "thermal",
                links: ["device": "../../../LNXSYSTM:00/LNXTHERM:0\(zone)"])
            bed.hwmon(
                "/devices/virtual/thermal/thermal_zone\(zone)/hwmon\(6 + zone)", name: "acpitz", device: "../../thermal_zone\(zone)",
                attributes: ["temp1_input": "\(27 + zone)800", "temp1_crit": "119000"])
        }
    }
}
