package import HostHealthModel
internal import HostSystem

/// Reads one PCI function's folder: its attributes, the maximum link of the port above it,
/// and (once, by the caller's choice) its config space for the serial number. Each device is
/// read on its own: what cannot be read marks that device's `problem`, never the others.
package struct PCIeDeviceReader: Sendable {
    static let attributes = [
        "vendor", "device", "subsystem_vendor", "subsystem_device", "class",
        "current_link_speed", "current_link_width", "max_link_speed", "max_link_width",
        "aer_dev_correctable", "aer_dev_nonfatal", "aer_dev_fatal",
        "aer_rootport_total_err_cor", "aer_rootport_total_err_nonfatal", "aer_rootport_total_err_fatal",
    ]

    package init() {}

    /// The device at `syspath`, under the device at `parentSyspath` (its port, when that is a
    /// PCI function too). `readSerial`: read config space for the Device Serial Number (it
    /// does not change while the device is there, so once per device).
    package func read(syspath: String, parentSyspath: String?, names: PCIIDs, readSerial: Bool) -> PCIeDevice {
        PCIeParser.parse(attributes(syspath: syspath, parentSyspath: parentSyspath, readSerial: readSerial), names: names)
    }

    func attributes(syspath: String, parentSyspath: String?, readSerial: Bool) -> PCIeAttributes {
        var attributes = PCIeAttributes(address: Self.lastComponent(syspath))
        for key in Self.attributes {
            attributes.values[key] = PCIeAttributes.read("\(syspath)/\(key)")
        }
        if let parentSyspath, PCIeDevice.isAddress(Self.lastComponent(parentSyspath)) {
            attributes.upstream = Self.lastComponent(parentSyspath)
            for key in ["max_link_speed", "max_link_width"] {
                attributes.upstreamValues[key] = PCIeAttributes.read("\(parentSyspath)/\(key)")
            }
        }
        // `physfn` is a link to the physical function's folder: reading it as a file fails
        // with EISDIR when it is there.
        if case .failure(.isDirectory) = SysfsAttribute.read("\(syspath)/physfn") {
            attributes.isVirtualFunction = true
        }
        if readSerial {
            attributes.serialNumber = Self.serialNumber(config: "\(syspath)/config")
        }
        return attributes
    }

    /// Walks the config space's extended capabilities with one read per dword visited.
    static func serialNumber(config path: String) -> String? {
        PCIeSerialNumber.find { offset in
            guard case .success(let bytes) = FileContents.read(path, count: 4, at: offset) else { return nil }
            return PCIeSerialNumber.dword(bytes)
        }
    }

    static func lastComponent(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
