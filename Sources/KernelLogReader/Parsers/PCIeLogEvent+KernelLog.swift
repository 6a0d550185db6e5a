package import HostHealthModel

/// The PCIe domain's kernel-log lines. Recognises the kernel's AER reports (`drivers/pci/pcie/aer.c`) in a kernel-log message:
///
///     nvme 0000:3b:00.0: PCIe Bus Error: severity=Corrected, type=Physical Layer, (Receiver ID)
///     pcieport 0000:00:1c.0: AER: PCIe Bus Error: severity=Uncorrected (Non-Fatal), type=Transaction Layer, (Requester ID)
///
/// The prefix is the driver (or `pci`) and the bus address of the function whose AER
/// registers hold the error: that function is the one blamed. Kernels before 6.x write
/// `Corrected`/`Uncorrected (Non-Fatal)`/`Uncorrected (Fatal)`, later ones `Correctable`/
/// `Uncorrectable (…)`; both are read. The `AER: … error received: <address>` (later
/// `… error message received from <address>`) line the root port writes first is not an
/// event of its own: it precedes the reports, and for `Multiple` errors it names only the
/// first source, so counting it too would count errors twice. The `device [8086:0953]
/// error status/mask=…` and `[ 0] RxErr` lines that follow are detail of the same report.
/// Errors handled by firmware first (APEI/GHES, `[Hardware Error]` lines) carry no
/// `severity=` on the device line and are not recognised.
package struct PCIeAERParser: KernelLogParser {
    package init() {}

    package func recognise(_ record: KernelLogRecord) -> (any KernelLogEvent)? {
        PCIeLogEvent.recognise(record.message)
    }
}

/// Telling an AER report from every other kernel message: the reader's half of `PCIeLogEvent`.
extension PCIeLogEvent {
    package static func recognise(_ message: String) -> PCIeLogEvent? {
        guard let marker = find(marker, in: message) else { return nil }
        let prefix = message[..<marker.lowerBound].split(separator: " ")
        // `<driver> <address>:` and, since 4.19, `AER:`.
        guard prefix.count == 2 || (prefix.count == 3 && prefix[2] == "AER:") else { return nil }
        let addressWord = prefix[1]
        guard addressWord.hasSuffix(":") else { return nil }
        let address = String(addressWord.dropLast())
        guard PCIeDevice.isAddress(address) else { return nil }
        let rest = message[marker.upperBound...]
        let severityText = rest.prefix { $0 != "," }
        guard let severity = severity(String(severityText)) else { return nil }
        return PCIeLogEvent(device: address, severity: severity)
    }

    private static let marker = "PCIe Bus Error: severity="

    /// Where `needle` first occurs in `text` (no Foundation here).
    private static func find(_ needle: String, in text: String) -> Range<String.Index>? {
        let pattern = Array(needle.utf8)
        let bytes = text.utf8
        guard let first = pattern.first, bytes.count >= pattern.count else { return nil }
        var index = bytes.startIndex
        while let start = bytes[index...].firstIndex(of: first) {
            if bytes[start...].starts(with: pattern) {
                return start..<bytes.index(start, offsetBy: pattern.count)
            }
            index = bytes.index(after: start)
        }
        return nil
    }

    static func severity(_ text: String) -> PCIeAERSeverity? {
        switch text {
        case "Corrected", "Correctable": .correctable
        case "Uncorrected (Non-Fatal)", "Uncorrectable (Non-Fatal)": .nonFatal
        case "Uncorrected (Fatal)", "Uncorrectable (Fatal)": .fatal
        default: nil
        }
    }
}
