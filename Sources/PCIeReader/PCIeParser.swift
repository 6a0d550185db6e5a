internal import HostHealthModel

/// Turns one function's attribute text into a `PCIeDevice`. What the kernel writes when it has
/// no value is data: `Unknown`, `Unknown speed`, a width of 0, files a device does not have.
/// Only text that means nothing (a count that is not a number) becomes the device's
/// `problem`, and the parse goes on.
struct PCIeParser {
    private let attributes: PCIeAttributes
    private var problems: [String] = []

    static func parse(_ attributes: PCIeAttributes, names: PCIIDs) -> PCIeDevice {
        var parser = PCIeParser(attributes: attributes)
        return parser.device(names: names)
    }

    private init(attributes: PCIeAttributes) {
        self.attributes = attributes
    }

    private mutating func device(names: PCIIDs) -> PCIeDevice {
        var device = PCIeDevice(address: attributes.address)
        device.vendorID = identifier("vendor")
        device.deviceID = identifier("device")
        device.subsystemVendorID = identifier("subsystem_vendor")
        device.subsystemDeviceID = identifier("subsystem_device")
        if let text = text("class") {
            device.classCode = Self.hexNumber(text).map { UInt32(truncatingIfNeeded: $0) }
            if device.classCode == nil { problems.append("class is '\(text)', not a hex number") }
        }
        device.name = names.describe(vendor: device.vendorID, device: device.deviceID, classCode: device.classCode)
        device.upstream = attributes.upstream
        device.isVirtualFunction = attributes.isVirtualFunction
        device.link = PCIeLinkState(
            current: training(speed: "current_link_speed", width: "current_link_width"),
            max: training(speed: "max_link_speed", width: "max_link_width"))
        if attributes.upstream != nil {
            let port = PCIeLinkState.Training(
                transfersPerSecond: attributes.upstreamValues["max_link_speed"].flatMap(Self.string).flatMap(Self.transfersPerSecond),
                width: attributes.upstreamValues["max_link_width"].flatMap(Self.string).flatMap(Self.width))
            if port.transfersPerSecond != nil || port.width != nil { device.upstreamMax = port }
        }
        device.aer = aerCounts()
        device.rootPortErrors = rootPortTotals()
        device.serialNumber = attributes.serialNumber
        device.problem = problems.isEmpty ? nil : problems.joined(separator: "; ")
        return device
    }

    // MARK: - Link

    private mutating func training(speed: String, width: String) -> PCIeLinkState.Training {
        var training = PCIeLinkState.Training()
        if let text = text(speed) {
            training.transfersPerSecond = Self.transfersPerSecond(text)
        }
        if let text = text(width) {
            training.width = Self.width(text)
            if training.width == nil, !Self.isUnknown(text) { problems.append("\(width) is '\(text)', not a number of lanes") }
        }
        return training
    }

    /// `8.0 GT/s PCIe` (kernels since 4.20), `8 GT/s` and `2.5 GT/s` (older), `16.0 GT/s PCIe`:
    /// per-lane transfers per second. `Unknown`, `Unknown speed` and anything else: nil.
    static func transfersPerSecond(_ text: String) -> Double? {
        let words = text.split(separator: " ")
        guard words.count >= 2, words[1] == "GT/s", let rate = Double(words[0]), rate > 0, rate < 1000 else { return nil }
        return rate * 1e9
    }

    /// Lanes: `16`; `0` when the link is down or the device has none (nil: unknown); some
    /// drivers and old kernels write `x16`.
    static func width(_ text: String) -> Int? {
        let digits = text.hasPrefix("x") ? text.dropFirst() : Substring(text)
        guard let lanes = Int(digits), lanes > 0, lanes <= 32 else { return nil }
        return lanes
    }

    static func isUnknown(_ text: String) -> Bool {
        text.isEmpty || text.lowercased().hasPrefix("unknown") || text == "0"
    }

    // MARK: - AER

    private mutating func aerCounts() -> PCIeAERCounts? {
        let files: [(PCIeAERSeverity, String, String)] = [
            (.correctable, "aer_dev_correctable", "TOTAL_ERR_COR"),
            (.nonFatal, "aer_dev_nonfatal", "TOTAL_ERR_NONFATAL"),
            (.fatal, "aer_dev_fatal", "TOTAL_ERR_FATAL"),
        ]
        var counts = PCIeAERCounts()
        var any = false
        for (severity, file, totalName) in files {
            guard let text = text(file, raw: true) else { continue }
            any = true
            let (lines, total) = parseAERFile(text, file: file, totalName: totalName)
            counts.breakdown[severity] = lines
            counts.totals[severity] = total
        }
        return any ? counts : nil
    }

    /// `NAME COUNT` lines (names may hold spaces: `Receiver Error 2`, `RELAY_NUM Rollover 0`;
    /// newer kernels write `RxErr 2`), ending with the `TOTAL_ERR_*` line. Without that line
    /// the total is the sum of the others.
    private mutating func parseAERFile(_ text: String, file: String, totalName: String) -> (names: [String: UInt64], total: UInt64?) {
        var names: [String: UInt64] = [:]
        var total: UInt64?
        var bad: [String] = []
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingSpaces
            guard !trimmed.isEmpty else { continue }
            guard let space = trimmed.lastIndex(of: " ") else {
                bad.append(trimmed)
                continue
            }
            let name = trimmed[..<space].trimmingSpaces
            guard let count = UInt64(trimmed[trimmed.index(after: space)...]), !name.isEmpty else {
                bad.append(trimmed)
                continue
            }
            if name == totalName {
                total = count
            } else {
                names[name, default: 0] += count
            }
        }
        if !bad.isEmpty { problems.append("\(file) has lines that are not 'NAME COUNT': \(bad.prefix(2).joined(separator: ", "))") }
        if total == nil, bad.isEmpty { total = names.values.reduce(0, &+) }
        return (names, total)
    }

    private mutating func rootPortTotals() -> PCIeAERTotals? {
        let files: [(PCIeAERSeverity, String)] = [
            (.correctable, "aer_rootport_total_err_cor"), (.nonFatal, "aer_rootport_total_err_nonfatal"),
            (.fatal, "aer_rootport_total_err_fatal"),
        ]
        var totals = PCIeAERTotals()
        var any = false
        for (severity, file) in files {
            guard let text = text(file) else { continue }
            any = true
            totals[severity] = UInt64(text.trimmingSpaces)
            if totals[severity] == nil { problems.append("\(file) is '\(text)', not a number") }
        }
        return any ? totals : nil
    }

    // MARK: - Values

    /// The value with its padding gone; `raw` keeps it whole (multi-line files).
    private mutating func text(_ key: String, raw: Bool = false) -> String? {
        switch attributes.values[key] {
        case .text(let text): return raw ? text : text.trimmingSpaces
        case .absent, nil: return nil
        case .failed(let code):
            problems.append("cannot read \(key): \(code)")
            return nil
        }
    }

    private static func string(_ value: PCIeAttributes.Value) -> String? {
        if case .text(let text) = value { return text.trimmingSpaces }
        return nil
    }

    private mutating func identifier(_ key: String) -> UInt16? {
        guard let text = text(key) else { return nil }
        guard let value = Self.hexNumber(text), value <= 0xffff else {
            problems.append("\(key) is '\(text)', not a 16-bit hex id")
            return nil
        }
        return UInt16(value)
    }

    /// `0x15b3` → 0x15b3.
    static func hexNumber(_ text: String) -> UInt64? {
        let digits = text.hasPrefix("0x") || text.hasPrefix("0X") ? text.dropFirst(2) : Substring(text)
        guard !digits.isEmpty, digits.count <= 16 else { return nil }
        return UInt64(digits, radix: 16)
    }
}

extension StringProtocol {
    /// Words separated by single spaces: sysfs values with their newline and padding gone.
    var trimmingSpaces: String {
        split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
