internal import Glibc
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
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var vendor: UInt16?
            var inClasses = false
            var classCode: UInt8 = 0
            var start = 0
            let count = buffer.count
            while start < count {
                // memchr: the scan of 36,000 lines is what a start pays, in debug builds too.
                let end = memchr(base + start, 0x0a, count - start).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base } ?? count
                defer { start = end + 1 }
                let line = UnsafeBufferPointer(rebasing: buffer[start..<end])
                guard let first = line.first, first != UInt8(ascii: "#") else { continue }
                if first == UInt8(ascii: "C"), line.count > 5, line[1] == 0x20 {
                    inClasses = true
                    guard let value = hex(line, 2, digits: 2) else { continue }
                    classCode = UInt8(value)
                    ids.classes[classCode] = name(line, from: 4)
                } else if first != 0x09 {
                    inClasses = false
                    vendor = nil
                    guard line.count > 6, let value = hex(line, 0, digits: 4) else { continue }
                    let id = UInt16(value)
                    vendor = id
                    if vendorsWanted.contains(id) { ids.vendors[id] = name(line, from: 4) }
                } else if line.count > 1, line[1] != 0x09 {
                    if inClasses {
                        guard let value = hex(line, 1, digits: 2) else { continue }
                        ids.subclasses[UInt16(classCode) << 8 | UInt16(value)] = name(line, from: 3)
                    } else if let vendor, vendorsWanted.contains(vendor), let value = hex(line, 1, digits: 4) {
                        let key = UInt32(vendor) << 16 | UInt32(value)
                        if wanted.contains(key) { ids.devices[key] = name(line, from: 5) }
                    }
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

    private static func hex(_ line: UnsafeBufferPointer<UInt8>, _ at: Int, digits: Int) -> UInt32? {
        guard at + digits <= line.count else { return nil }
        var value: UInt32 = 0
        for index in at..<(at + digits) {
            guard let digit = line[index].hexDigitValue else { return nil }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    private static func name(_ line: UnsafeBufferPointer<UInt8>, from: Int) -> String {
        var start = min(from, line.count)
        while start < line.count, line[start] == 0x20 || line[start] == 0x09 { start += 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: line[start...]), as: UTF8.self)
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
