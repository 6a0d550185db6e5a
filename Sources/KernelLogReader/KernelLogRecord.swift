/// One record of `/dev/kmsg`: `<prefix>;<message>` where the prefix is
/// `priority,sequence,microseconds[,flags…]` (Documentation/ABI/testing/dev-kmsg). Continuation
/// lines (` KEY=value`) carry the device the message is about; only the text is kept.
package struct KernelLogRecord: Sendable, Equatable {
    /// syslog priority: facility × 8 + level; `level` 0 (emerg) … 7 (debug).
    package var priority: Int
    package var sequence: UInt64
    /// Microseconds since boot (CLOCK_MONOTONIC) when the record was logged.
    package var microseconds: UInt64
    package var message: String

    package init(priority: Int, sequence: UInt64, microseconds: UInt64, message: String) {
        self.priority = priority
        self.sequence = sequence
        self.microseconds = microseconds
        self.message = message
    }

    package var level: Int { priority & 7 }

    /// Parses one record as one `read(2)` of `/dev/kmsg` returns it; nil for anything else.
    package init?(_ bytes: some Collection<UInt8>) {
        guard let semicolon = bytes.firstIndex(of: UInt8(ascii: ";")) else { return nil }
        let fields = bytes[..<semicolon].split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        guard fields.count >= 3,
              let priority = Self.number(fields[0]), priority <= Int.max,
              let sequence = Self.number(fields[1]),
              let microseconds = Self.number(fields[2])
        else { return nil }
        var text = bytes[bytes.index(after: semicolon)...]
        if let newline = text.firstIndex(of: UInt8(ascii: "\n")) { text = text[..<newline] }
        self.init(
            priority: Int(priority), sequence: sequence, microseconds: microseconds,
            message: String(decoding: text, as: UTF8.self))
    }

    private static func number(_ digits: some Collection<UInt8>) -> UInt64? {
        guard !digits.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            if overflow1 || overflow2 { return nil }
            value = sum
        }
        return value
    }
}
