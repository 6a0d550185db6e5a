/// One line of the agent's own log, as `--log.format` asks: logfmt (`ts=… level=info msg="…"
/// key=value`) or a JSON object of strings, which journald and log shippers take as they are.
/// Encoded here, beside the other documents, by the one `JSONWriter`.
package struct LogLine: Sendable {
    /// Keys and values in the order they are written (time, level, message, then metadata).
    package var fields: [(key: String, value: String)]

    package init(fields: [(key: String, value: String)]) {
        self.fields = fields
    }

    /// The line as a JSON object, newline-terminated.
    package func json() -> [UInt8] {
        var writer = JSONWriter()
        writer.object { object in
            for (key, value) in fields {
                object.key(key)
                object.string(value)
            }
        }
        return writer.bytes + [UInt8(ascii: "\n")]
    }

    /// The line as logfmt, newline-terminated; a value with a space, `=`, `"` or any control
    /// character (or an empty one) is quoted and escaped as a JSON string, as logfmt readers
    /// expect: a carriage return or escape sequence from a device name or a client never
    /// reaches a terminal or the journal raw.
    package func logfmt() -> [UInt8] {
        var bytes: [UInt8] = []
        for (index, field) in fields.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: " ")) }
            bytes += Array(field.key.utf8)
            bytes.append(UInt8(ascii: "="))
            let value = field.value
            if value.isEmpty || value.utf8.contains(where: Self.needsQuotes) {
                JSONWriter.appendQuoted(value, to: &bytes)
            } else {
                bytes += Array(value.utf8)
            }
        }
        return bytes + [UInt8(ascii: "\n")]
    }

    private static func needsQuotes(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "\"")
    }
}
