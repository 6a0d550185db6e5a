package import HostHealthModel
internal import Glibc
internal import HostSystem

/// Reads the EDAC tree, `/sys/devices/system/edac/mc/mc*/`: per memory controller its error
/// counters, per DIMM (`dimm*/`), per rank (`rank*/`, grouped by label into modules) or, where
/// the kernel or driver has only the older layout, per csrow channel (`csrow*/ch*_*`). Plain
/// file reads, a few dozen per controller; under umockdev the preload redirects them.
///
/// No tree (a virtual machine, no EDAC driver) is a fact: no controllers, with the reason in
/// `unavailable`, not an error. An attribute that is missing is unknown; one that does not read
/// as a number where the kernel writes one is skipped and counted (`non_numeric`).
package struct EDACReader: Sendable {
    package var root: String

    package init(root: String = "/sys/devices/system/edac/mc") {
        self.root = root
    }

    package func read() -> MemoryUpdate {
        let started = SystemClock.monotonic.seconds()
        var skipped: [String: UInt64] = [:]
        guard Self.isDirectory(root) else {
            return MemoryUpdate(
                controllers: [], unavailable: "no EDAC tree at \(root): a virtual machine, or no EDAC driver for this memory controller",
                durationSeconds: SystemClock.monotonic.seconds() - started)
        }
        var controllers: [MemoryController] = []
        for (index, name) in Self.numbered(Self.list(root), prefix: "mc") {
            controllers.append(controller(index, path: "\(root)/\(name)", skipped: &skipped))
        }
        let unavailable = controllers.isEmpty ? "no EDAC memory controller registered under \(root)" : nil
        return MemoryUpdate(
            controllers: controllers, unavailable: unavailable, skipped: skipped,
            durationSeconds: SystemClock.monotonic.seconds() - started)
    }

    func controller(_ index: Int, path: String, skipped: inout [String: UInt64]) -> MemoryController {
        var attributes = Attributes(directory: path)
        var controller = MemoryController(
            index: index, model: attributes.text("mc_name"), sizeMB: attributes.number("size_mb"),
            correctedErrors: attributes.number("ce_count"), uncorrectedErrors: attributes.number("ue_count"),
            correctedNoInfo: attributes.number("ce_noinfo_count"), uncorrectedNoInfo: attributes.number("ue_noinfo_count"))
        let entries = Self.list(path)
        let dimms = Self.numbered(entries, prefix: "dimm")
        let ranks = Self.numbered(entries, prefix: "rank")
        if !dimms.isEmpty {
            controller.dimms = dimms.compactMap { module(index, entry: $0.name, layout: .dimm, path: "\(path)/\($0.name)", skipped: &skipped) }
        } else if !ranks.isEmpty {
            let modules = ranks.compactMap { module(index, entry: $0.name, layout: .rank, path: "\(path)/\($0.name)", skipped: &skipped) }
            controller.dimms = Self.groupRanks(modules)
        } else {
            for (row, name) in Self.numbered(entries, prefix: "csrow") {
                controller.dimms += csrow(index, row: row, path: "\(path)/\(name)", skipped: &skipped)
            }
        }
        attributes.merge(into: &skipped)
        return controller
    }

    func module(_ controller: Int, entry: String, layout: EDACLayout, path: String, skipped: inout [String: UInt64]) -> MemoryModule? {
        var attributes = Attributes(directory: path)
        defer { attributes.merge(into: &skipped) }
        let size = attributes.number("size")
        // The kernel makes entries only for populated slots; an empty one is not a module.
        if size == 0 { return nil }
        return MemoryModule(
            controller: controller, entries: [entry], layout: layout, label: attributes.text("dimm_label"),
            location: Self.location(attributes.text("dimm_location") ?? ""), sizeMB: size,
            memoryType: attributes.text("dimm_mem_type"), edacMode: attributes.text("dimm_edac_mode"),
            deviceType: attributes.text("dimm_dev_type"), correctedErrors: attributes.number("dimm_ce_count"),
            uncorrectedErrors: attributes.number("dimm_ue_count"))
    }

    /// The older layout: `csrowN/` with `size_mb`, `ue_count` for the row and `chK_ce_count`,
    /// `chK_dimm_label` per channel. The row's uncorrected count is each channel's: the kernel
    /// cannot tell which one it was.
    func csrow(_ controller: Int, row: Int, path: String, skipped: inout [String: UInt64]) -> [MemoryModule] {
        var attributes = Attributes(directory: path)
        defer { attributes.merge(into: &skipped) }
        let size = attributes.number("size_mb")
        if size == 0 { return [] }
        let channels = Self.list(path).compactMap { name -> Int? in
            guard name.hasPrefix("ch"), name.hasSuffix("_ce_count") else { return nil }
            return Int(name.dropFirst(2).dropLast("_ce_count".count))
        }.sorted()
        let uncorrected = attributes.number("ue_count")
        let memoryType = attributes.text("mem_type")
        let edacMode = attributes.text("edac_mode")
        let deviceType = attributes.text("dev_type")
        let share = size.flatMap { channels.isEmpty ? nil : $0 / UInt64(channels.count) }
        return channels.map { channel in
            MemoryModule(
                controller: controller, entries: ["csrow\(row)/ch\(channel)"], layout: .csrow,
                label: attributes.text("ch\(channel)_dimm_label"),
                location: [MemoryLocation("csrow", row), MemoryLocation("channel", channel)], sizeMB: share,
                memoryType: memoryType, edacMode: edacMode, deviceType: deviceType,
                correctedErrors: attributes.number("ch\(channel)_ce_count"), uncorrectedErrors: uncorrected)
        }
    }

    /// Ranks that carry one label are one module: their counts and sizes add up. Ranks without
    /// a label stay apart.
    static func groupRanks(_ ranks: [MemoryModule]) -> [MemoryModule] {
        var modules: [MemoryModule] = []
        for rank in ranks {
            guard let label = rank.label, let index = modules.firstIndex(where: { $0.label == label }) else {
                modules.append(rank)
                continue
            }
            var module = modules[index]
            module.entries += rank.entries
            module.sizeMB = add(module.sizeMB, rank.sizeMB)
            module.correctedErrors = add(module.correctedErrors, rank.correctedErrors)
            module.uncorrectedErrors = add(module.uncorrectedErrors, rank.uncorrectedErrors)
            // The module's location is what its ranks share.
            module.location = module.location.filter { rank.location.contains($0) }
            modules[index] = module
        }
        return modules
    }

    private static func add(_ a: UInt64?, _ b: UInt64?) -> UInt64? {
        guard let a, let b else { return a ?? b }
        return a.addingReportingOverflow(b).overflow ? .max : a + b
    }

    /// `dimm_location` as the kernel writes it: `channel 1 slot 0 ` (layer, position, …).
    static func location(_ text: String) -> [MemoryLocation] {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
        var result: [MemoryLocation] = []
        var index = 0
        while index + 1 < words.count {
            guard let position = Int(words[index + 1]), position >= 0 else { return result }
            result.append(MemoryLocation(String(words[index]), position))
            index += 2
        }
        return result
    }

    /// `mc0`, `mc1`, … in numeric order; names that are not the prefix and a number are not.
    static func numbered(_ names: [String], prefix: String) -> [(index: Int, name: String)] {
        names.compactMap { name -> (Int, String)? in
            guard name.hasPrefix(prefix) else { return nil }
            let digits = name.dropFirst(prefix.count)
            guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), let index = Int(digits) else { return nil }
            return (index, name)
        }.sorted { $0.0 < $1.0 }
    }

    static func list(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }

    static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR
    }
}

/// One sysfs folder's attributes, read as text or numbers; what could not be used is counted.
struct Attributes {
    let directory: String
    var skipped: [String: UInt64] = [:]

    init(directory: String) {
        self.directory = directory
    }

    /// The attribute's text, trimmed; nil when missing, unreadable or empty.
    mutating func text(_ name: String) -> String? {
        switch SysfsAttribute.read("\(directory)/\(name)") {
        case .success(let text):
            let trimmed = text.trimmedSpaces
            return trimmed.isEmpty ? nil : trimmed
        case .failure(.noSuchFileOrDirectory), .failure(.notDirectory), .failure(.noSuchDevice):
            return nil
        case .failure:
            skipped["unreadable", default: 0] += 1
            return nil
        }
    }

    /// The attribute as a whole number; nil when missing, and counted as `non_numeric` when it
    /// is not one (a negative value is not a count either).
    mutating func number(_ name: String) -> UInt64? {
        guard let text = text(name) else { return nil }
        guard let value = UInt64(text) else {
            skipped["non_numeric", default: 0] += 1
            return nil
        }
        return value
    }

    func merge(into total: inout [String: UInt64]) {
        for (reason, count) in skipped { total[reason, default: 0] += count }
    }
}

extension String {
    var trimmedSpaces: String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
