package import HostHealthModel

/// The `hosthealth_pcie_*` families: identity, AER counters and link training per PCI
/// function. They change only with a read of sysfs or an AER line in the kernel log, so they
/// belong to the cached part. The label `device` is the bus address (`0000:3b:00.0`).
package enum PCIeExposition {
    /// One per-device link gauge: its name, help and how to read its value.
    private struct Series: Sendable {
        let name: String
        let help: String
        let value: @Sendable (PCIeDevice) -> Double?
    }

    private static let link: [Series] = [
        Series(name: "hosthealth_pcie_link_speed_transfers_per_second", help: "Rate the link trained at, per lane, in transfers per second (8 GT/s = 8e9).") {
            $0.link.current.transfersPerSecond
        },
        Series(name: "hosthealth_pcie_link_max_speed_transfers_per_second", help: "Highest rate the device supports, per lane, in transfers per second.") {
            $0.link.max.transfersPerSecond
        },
        Series(name: "hosthealth_pcie_link_capable_speed_transfers_per_second", help: "Highest rate the link can reach in its slot: the device's maximum bounded by its port's.") {
            $0.link.isReported ? $0.capable.transfersPerSecond : nil
        },
        Series(name: "hosthealth_pcie_link_width_lanes", help: "Lanes the link trained with.") {
            $0.link.current.width.map(Double.init)
        },
        Series(name: "hosthealth_pcie_link_max_width_lanes", help: "Most lanes the device supports.") {
            $0.link.max.width.map(Double.init)
        },
        Series(name: "hosthealth_pcie_link_capable_width_lanes", help: "Most lanes the link can have in its slot: the device's maximum bounded by its port's.") {
            $0.link.isReported ? $0.capable.width.map(Double.init) : nil
        },
    ]

    static func render(_ snapshot: HostSnapshot, into writer: inout MetricsWriter) {
        guard let devices = snapshot.pcie, !devices.isEmpty else { return }
        let sorted = devices.values.sorted { $0.address < $1.address }
        writer.family("hosthealth_pcie_device_info", .info, help: "Identity of a PCI function; always 1.")
        for device in sorted {
            writer.sample("hosthealth_pcie_device_info", [
                "device": device.address, "name": device.name, "class": device.classCode.map(classText) ?? "",
                "vendor_id": device.vendorID.map(PCIeDevice.hex) ?? "", "device_id": device.deviceID.map(PCIeDevice.hex) ?? "",
                "subsystem_vendor_id": device.subsystemVendorID.map(PCIeDevice.hex) ?? "",
                "subsystem_device_id": device.subsystemDeviceID.map(PCIeDevice.hex) ?? "",
                "serial": device.serialNumber ?? "", "upstream": device.upstream ?? "",
            ], 1)
        }
        counters(
            "hosthealth_pcie_aer_errors_total", help: "AER errors the device reported since boot, by severity (aer_dev_*, TOTAL_ERR_*).",
            sorted.compactMap { device in device.aer.map { (device.address, $0.totals) } }, into: &writer)
        counters(
            "hosthealth_pcie_aer_rootport_errors_total", help: "AER errors a root port received from the hierarchy below it since boot, by severity.",
            sorted.compactMap { device in device.rootPortErrors.map { (device.address, $0) } }, into: &writer)
        if let logged = snapshot.pcieLogged, !logged.isEmpty {
            let family = "hosthealth_pcie_kernel_log_aer_errors_total"
            writer.family(family, .counter, help: "AER errors the kernel log reported for the device since the agent started, by severity.")
            for address in logged.keys.sorted() {
                for severity in PCIeAERSeverity.allCases {
                    guard let count = logged[address]?[severity] else { continue }
                    writer.sample(family, ["device": address, "severity": severity.rawValue], Double(count))
                }
            }
        }
        for series in link where sorted.contains(where: { series.value($0) != nil }) {
            writer.family(series.name, .gauge, help: series.help)
            for device in sorted {
                guard let value = series.value(device) else { continue }
                writer.sample(series.name, ["device": device.address], value)
            }
        }
    }

    private static func counters(_ family: String, help: String, _ rows: [(String, PCIeAERTotals)], into writer: inout MetricsWriter) {
        guard !rows.isEmpty else { return }
        writer.family(family, .counter, help: help)
        for (address, totals) in rows {
            for severity in PCIeAERSeverity.allCases {
                guard let count = totals[severity] else { continue }
                writer.sample(family, ["device": address, "severity": severity.rawValue], Double(count))
            }
        }
    }

    /// `0x020000`, as sysfs writes it.
    private static func classText(_ code: UInt32) -> String {
        let digits = String(code, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// A line per PCIe component for `/status` and `hostctl status`: the trained link and
    /// the AER totals, so the operator sees them while the device is still ok.
    package static func details(_ snapshot: HostSnapshot) -> [ComponentID: String] {
        guard let devices = snapshot.pcie else { return [:] }
        var details: [ComponentID: String] = [:]
        for (address, device) in devices {
            var parts: [String] = []
            if !device.ids.isEmpty { parts.append(device.ids) }
            if device.link.isReported { parts.append("PCIe \(device.link.current.text) of \(device.capable.text)") }
            if let totals = device.aer?.totals {
                parts.append("AER \(totals.correctable.map(String.init) ?? "?") correctable, \(totals.nonFatal.map(String.init) ?? "?") non-fatal, \(totals.fatal.map(String.init) ?? "?") fatal")
            }
            if let serial = device.serialNumber { parts.append("serial \(serial)") }
            if let problem = device.problem { parts.append(problem) }
            details[ComponentID(kind: .pcie, key: address)] = parts.joined(separator: "; ")
        }
        return details
    }
}
