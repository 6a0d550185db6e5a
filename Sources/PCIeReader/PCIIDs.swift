internal import HostHealthModel
internal import HostSystem

/// Device names from the PCI ID database (`/usr/share/misc/pci.ids`, Debian's `pci.ids`
/// package), for the ids present only: the 1.3 MB file is scanned once, without making a
/// string of any line that is not wanted, at start and when a device with new ids appears.
/// Without the file, devices are named by class and `[vendor:device]`.
package struct PCIIDs: Sendable, Equatable {
    var vendors: [UInt16: String] = [:]
    /// By `vendor << 16 | device`.
    var devices: [UInt32: String] = [:]
    /// By `base << 8 | subclass`, and base classes alone.
    var subclasses: [UInt16: String] = [:]
    var classes: [UInt8: String] = [:]
    /// The ids it was loaded for: a device outside them needs a new load.
    package private(set) var loaded: Set<UInt32> = []

    package init() {}

    /// The names for `wanted` (`vendor << 16 | device`) and every class name.
    package static func load(path: String, wanted: Set<UInt32>) -> PCIIDs {
        var ids = PCIIDs()
        ids.loaded = wanted
        guard case .success(let bytes) = FileContents.read(path, limit: 16 << 20) else { return ids }
        let vendorsWanted = Set(wanted.map { UInt16(truncatingIfNeeded: $0 >> 16) })
        var vendor: UInt16?
        var inClasses = false
        var base: UInt8 = 0
        var start = 0
        let count = bytes.count
        while start < count {
            var end = start
            while end < count, bytes[end] != 0x0a { end += 1 }
            defer { start = end + 1 }
            guard end > start, bytes[start] != UInt8(ascii: "#") else { continue }
            if bytes[start] == UInt8(ascii: "C"), end - start > 5, bytes[start + 1] == 0x20 {
                inClasses = true
                guard let value = hex(bytes, start + 2, digits: 2) else { continue }
                base = UInt8(value)
                ids.classes[base] = name(bytes, from: start + 4, to: end)
            } else if bytes[start] != 0x09 {
                inClasses = false
                vendor = nil
                guard end - start > 6, let value = hex(bytes, start, digits: 4) else { continue }
                let id = UInt16(value)
                vendor = id
                if vendorsWanted.contains(id) { ids.vendors[id] = name(bytes, from: start + 4, to: end) }
            } else if end - start > 1, bytes[start + 1] != 0x09 {
                if inClasses {
                    guard let value = hex(bytes, start + 1, digits: 2) else { continue }
                    ids.subclasses[UInt16(base) << 8 | UInt16(value)] = name(bytes, from: start + 3, to: end)
                } else if let vendor, vendorsWanted.contains(vendor), let value = hex(bytes, start + 1, digits: 4) {
                    let key = UInt32(vendor) << 16 | UInt32(value)
                    if wanted.contains(key) { ids.devices[key] = name(bytes, from: start + 5, to: end) }
                }
            }
        }
        return ids
    }

    /// `Mellanox ConnectX-6`, `Intel PCIe Data Center SSD`; without the ids in the database,
    /// `Ethernet controller [15b3:101b]`.
    package func describe(vendor: UInt16?, device: UInt16?, classCode: UInt32?) -> String {
        let className = classCode.map { code -> String in
            let base = UInt8(truncatingIfNeeded: code >> 16)
            let sub = UInt16(truncatingIfNeeded: code >> 8)
            return subclasses[sub] ?? classes[base] ?? Self.baseClassNames[base] ?? "PCI device"
        } ?? "PCI device"
        guard let vendor, let device else { return className }
        let ids = "[\(PCIeDevice.hex(vendor)):\(PCIeDevice.hex(device))]"
        let vendorName = vendors[vendor].map(Self.short(vendor:))
        if let deviceName = devices[UInt32(vendor) << 16 | UInt32(device)].map(Self.short(device:)) {
            return [vendorName, deviceName].compactMap { $0 }.joined(separator: " ")
        }
        return [vendorName, className, ids].compactMap { $0 }.joined(separator: " ")
    }

    /// `Advanced Micro Devices, Inc. [AMD]` → `AMD`; `Mellanox Technologies` → `Mellanox`;
    /// `Red Hat, Inc.` → `Red Hat`; `Samsung Electronics Co Ltd` → `Samsung`.
    static func short(vendor: String) -> String {
        if let bracketed = bracketed(vendor) { return bracketed }
        let name = vendor.split(separator: ",").first.map(String.init) ?? vendor
        var words = name.split(separator: " ")
        if let and = words.firstIndex(of: "and"), and > 0 { words = Array(words[..<and]) }
        while words.count > 1, let last = words.last, corporateWords.contains(last.lowercased()) { words.removeLast() }
        return words.isEmpty ? vendor : words.joined(separator: " ")
    }

    /// Words that say what kind of company it is, not which.
    static let corporateWords: Set<String> = [
        "inc", "inc.", "corporation", "corp", "corp.", "co", "co.", "ltd", "ltd.", "limited", "llc", "gmbh", "ag",
        "technologies", "technology", "electronics", "semiconductor", "semiconductors", "systems", "international",
    ]

    /// `MT28908 Family [ConnectX-6]` → `ConnectX-6`; a name without brackets as it is.
    static func short(device: String) -> String {
        bracketed(device) ?? device
    }

    private static func bracketed(_ text: String) -> String? {
        guard text.hasSuffix("]"), let open = text.lastIndex(of: "[") else { return nil }
        let inside = text[text.index(after: open)..<text.index(before: text.endIndex)]
        return inside.isEmpty ? nil : String(inside)
    }

    private static func hex(_ bytes: [UInt8], _ at: Int, digits: Int) -> UInt32? {
        guard at + digits <= bytes.count else { return nil }
        var value: UInt32 = 0
        for index in at..<(at + digits) {
            guard let digit = bytes[index].hexDigitValue else { return nil }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    private static func name(_ bytes: [UInt8], from: Int, to: Int) -> String {
        var start = from
        while start < to, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        return String(decoding: bytes[start..<to], as: UTF8.self)
    }

    /// Base class names of the PCI Code and ID Assignment Specification, for hosts without
    /// pci.ids.
    static let baseClassNames: [UInt8: String] = [
        0x00: "Unclassified device", 0x01: "Mass storage controller", 0x02: "Network controller",
        0x03: "Display controller", 0x04: "Multimedia controller", 0x05: "Memory controller", 0x06: "Bridge",
        0x07: "Communication controller", 0x08: "Generic system peripheral", 0x09: "Input device controller",
        0x0a: "Docking station", 0x0b: "Processor", 0x0c: "Serial bus controller", 0x0d: "Wireless controller",
        0x0e: "Intelligent controller", 0x0f: "Satellite communications controller", 0x10: "Encryption controller",
        0x11: "Signal processing controller", 0x12: "Processing accelerators", 0x13: "Non-Essential Instrumentation",
    ]
}
