package import HostHealthModel

/// The cpu domain's kernel-log lines: machine-check records and notices
/// (arch/x86/kernel/cpu/mce/core.c, `pr_fmt` "mce: ", `HW_ERR` "[Hardware Error]: "), the AMD
/// decoder's records (drivers/edac/mce_amd.c) and thermal-throttle notices (therm_throt.c):
///
///     mce: [Hardware Error]: CPU 3: Machine Check: 0 Bank 7: be00000000800400
///     mce: [Hardware Error]: CPU 0: Machine Check Exception: 5 Bank 4: b200000000070f0f
///     [Hardware Error]: CPU:0 (17:1:1) MC15_STATUS[Over|CE|MiscV|AddrV|-|-|SyndV|CECC|-|-|-]: 0xdc2040000000011b
///     mce: [Hardware Error]: Machine check events logged
///     mce: CPU0: Core temperature above threshold, cpu clock throttled (total events = 1)
///     CPU2: Package temperature above threshold, cpu clock throttled (total events = 12)
///
/// A record's follow-up lines (`TSC … ADDR … MISC …`, `PROCESSOR 0:50654 TIME … SOCKET 0 APIC 0
/// microcode …`, the decoder's `Error Addr:`) are not events of their own.
package struct MachineCheckParser: KernelLogParser {
    package init() {}

    package func recognise(_ record: KernelLogRecord) -> (any KernelLogEvent)? {
        Self.recognise(record.message)
    }

    package static func recognise(_ message: String) -> MachineCheckEvent? {
        var text = Substring(message)
        if text.hasPrefix("mce: ") { text = text.dropFirst(5) }
        if text.hasPrefix("[Hardware Error]: ") {
            text = text.dropFirst("[Hardware Error]: ".count)
            if text.hasPrefix("Machine check events logged") { return MachineCheckEvent(.logged) }
            if text.hasPrefix("CPU "), let event = intelRecord(text.dropFirst(4)) { return event }
            if text.hasPrefix("CPU:"), let event = amdRecord(text.dropFirst(4)) { return event }
            return nil
        }
        // "CPU0: Core temperature above threshold, cpu clock throttled (total events = 1)"
        guard text.hasPrefix("CPU"), text.contains("temperature"), text.contains("above threshold"), text.contains("throttled"),
              let colon = text.firstIndex(of: ":"), let cpu = Int(text[text.index(text.startIndex, offsetBy: 3)..<colon])
        else { return nil }
        return MachineCheckEvent(.throttled(cpu: cpu, package: text[colon...].hasPrefix(": Package")))
    }

    /// `3: Machine Check: 0 Bank 7: be00000000800400` (or `Machine Check Exception:`).
    static func intelRecord(_ text: Substring) -> MachineCheckEvent? {
        guard let colon = text.firstIndex(of: ":"), let cpu = Int(text[..<colon]) else { return nil }
        let rest = text[colon...]
        guard rest.hasPrefix(": Machine Check"), let bankRange = rest.firstRange(of: " Bank ") else { return nil }
        let afterBank = rest[bankRange.upperBound...]
        guard let bankEnd = afterBank.firstIndex(of: ":"), let bank = Int(afterBank[..<bankEnd]) else { return nil }
        let statusText = afterBank[afterBank.index(after: bankEnd)...].drop { $0 == " " }.prefix { $0.isHexDigit }
        guard !statusText.isEmpty, let status = UInt64(statusText, radix: 16) else { return nil }
        return MachineCheckEvent(.record(cpu: cpu, bank: bank, status: status))
    }

    /// `0 (17:1:1) MC15_STATUS[Over|CE|…]: 0xdc2040000000011b`.
    static func amdRecord(_ text: Substring) -> MachineCheckEvent? {
        guard let space = text.firstIndex(of: " "), let cpu = Int(text[..<space]),
              let mc = text.firstRange(of: " MC"), let underscore = text[mc.upperBound...].firstRange(of: "_STATUS"),
              let bank = Int(text[mc.upperBound..<underscore.lowerBound]),
              let hex = text[underscore.upperBound...].firstRange(of: ": 0x")
        else { return nil }
        let digits = text[hex.upperBound...].prefix { $0.isHexDigit }
        guard !digits.isEmpty, let status = UInt64(digits, radix: 16) else { return nil }
        return MachineCheckEvent(.record(cpu: cpu, bank: bank, status: status))
    }
}
