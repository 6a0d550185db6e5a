package import HostHealthModel

/// The memory domain's kernel-log lines: the EDAC core's report of each error
/// (`edac_raw_mc_handle_error` in drivers/edac/edac_mc.c, through `edac_mc_printk`):
///
///     EDAC MC0: 1 CE memory read error on CPU_SrcID#0_Ha#0_Chan#1_DIMM#0 (channel:1 slot:0 page:0x12345 offset:0x0 grain:32 syndrome:0x0 - area:DRAM err_code:0001:0090 socket:0 ha:0 channel_mask:2 rank:0)
///     EDAC MC1: 2 UE on DIMM_B2 (channel:0 slot:1 page:0x0 offset:0x0 grain:8)
///     EDAC MC0: 1 CE on unknown memory (node:0 card:0 module:0 page:0x0 offset:0x0 grain:1 syndrome:0x0 - APEI location: …)
///     EDAC sbridge MC0: 1 CE … (a driver's own prefix before the controller)
///
/// and the format of kernels before 3.5 (`edac_mc_handle_ce`):
///
///     EDAC MC0: CE page 0x1e3, offset 0x760, grain 8, syndrome 0xc4, row 1, channel 0, label "DIMM_B1": amd64_edac
///     EDAC MC0: UE page 0x1e3, offset 0x760, grain 8, row 1, labels ":": amd64_edac
///
/// A driver's own lines around them (`EDAC skx MC1: HANDLING MCE MEMORY ERROR`, `EDAC amd64:
/// …`, `EDAC sbridge MC0: TSC 0 …`) carry no count and are not errors of their own.
package struct MemoryErrorParser: KernelLogParser {
    package init() {}

    package func recognise(_ record: KernelLogRecord) -> (any KernelLogEvent)? {
        Self.recognise(record.message)
    }

    package static func recognise(_ message: String) -> MemoryErrorEvent? {
        guard message.hasPrefix("EDAC ") else { return nil }
        // "EDAC MC0: …" or "EDAC <driver> MC0: …": the controller is the first "MC<n>: ".
        var rest = message.dropFirst(5)
        guard let mc = rest.firstRange(of: "MC") else { return nil }
        let between = rest[..<mc.lowerBound]
        guard between.isEmpty || (between.hasSuffix(" ") && !between.dropLast().contains(" ")) else { return nil }
        rest = rest[mc.upperBound...]
        guard let colon = rest.firstRange(of: ": ") else { return nil }
        guard let controller = Int(rest[..<colon.lowerBound]), controller >= 0 else { return nil }
        rest = rest[colon.upperBound...]
        if rest.hasPrefix("CE page ") || rest.hasPrefix("UE page ") { return legacy(controller, rest) }
        // "<count> CE|UE [msg ]on <label> (<location> <detail>[ - <other>])"
        guard let space = rest.firstIndex(of: " "), let count = UInt64(rest[..<space]), count > 0 else { return nil }
        rest = rest[rest.index(after: space)...]
        let type: MemoryErrorType
        if rest.hasPrefix("CE ") { type = .corrected } else if rest.hasPrefix("UE ") { type = .uncorrected } else { return nil }
        rest = rest.dropFirst(3)
        let on: Range<Substring.Index>
        if rest.hasPrefix("on ") {
            on = rest.startIndex..<rest.index(rest.startIndex, offsetBy: 3)
        } else {
            guard let found = rest.firstRange(of: " on ") else { return nil }
            on = found
        }
        let text = String(rest[..<on.lowerBound])
        rest = rest[on.upperBound...]
        let labelText: Substring
        var location: [MemoryLocation] = []
        if let open = rest.firstRange(of: " (") {
            labelText = rest[..<open.lowerBound]
            location = Self.location(rest[open.upperBound...])
        } else {
            labelText = rest
        }
        return MemoryErrorEvent(
            controller: controller, type: type, count: count, labels: labels(labelText), location: location, message: text)
    }

    /// The labels the kernel named: `A or B` when it could not tell; none for memory it could
    /// not name at all.
    static func labels(_ text: Substring) -> [String] {
        let trimmed = text.trimmingCharacters(" ")
        if trimmed.isEmpty || trimmed == "any memory" || trimmed == "unknown memory" { return [] }
        return trimmed.split(separator: " or ", omittingEmptySubsequences: true).map { String($0.trimmingCharacters(" ")) }
    }

    /// The `layer:N` pairs that open the parentheses, up to the first that is not a memory
    /// layer (`page:`, `offset:`, …).
    static func location(_ text: Substring) -> [MemoryLocation] {
        let layers: Set<Substring> = ["branch", "channel", "slot", "csrow", "memory"]
        var result: [MemoryLocation] = []
        for word in text.split(separator: " ") {
            guard let colon = word.firstIndex(of: ":"), layers.contains(word[..<colon]),
                  let position = Int(word[word.index(after: colon)...]), position >= 0
            else { break }
            result.append(MemoryLocation(String(word[..<colon]), position))
        }
        return result
    }

    /// `CE page 0x1e3, offset 0x760, grain 8, syndrome 0xc4, row 1, channel 0, label "DIMM_B1": amd64_edac`
    static func legacy(_ controller: Int, _ text: Substring) -> MemoryErrorEvent? {
        let type: MemoryErrorType = text.hasPrefix("CE") ? .corrected : .uncorrected
        var location: [MemoryLocation] = []
        var labels: [String] = []
        for field in text.split(separator: ",") {
            let words = field.split(separator: " ")
            guard words.count >= 2 else { continue }
            switch words[0] {
            case "row": if let row = Int(words[1]) { location.append(MemoryLocation("csrow", row)) }
            case "channel": if let channel = Int(words[1]) { location.append(MemoryLocation("channel", channel)) }
            case "label", "labels":
                let rest = field.drop { $0 != "\"" }.dropFirst()
                if let close = rest.firstIndex(of: "\"") {
                    let label = String(rest[..<close])
                    // UE "labels" are joined with ':' (both DIMMs of a pair).
                    labels = label.split(separator: ":").map(String.init).filter { !$0.isEmpty }
                }
            default: continue
            }
        }
        return MemoryErrorEvent(controller: controller, type: type, count: 1, labels: labels, location: location)
    }
}

extension Substring {
    func trimmingCharacters(_ character: Character) -> Substring {
        var text = self
        while text.first == character { text.removeFirst() }
        while text.last == character { text.removeLast() }
        return text
    }
}
