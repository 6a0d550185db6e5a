internal import HostHealthModel
internal import HostHealthPolicy
internal import HostHealthConfig

/// A small, allocation-light encoder for the Prometheus text formats. It writes bytes directly:
/// a scrape of 1,000 links is ~25,000 samples and must cost a few milliseconds.
///
/// Family names are given as the sample name (`…_total`, `…_info`); the writer derives what
/// OpenMetrics wants in `# TYPE` lines.
package struct MetricsWriter: Sendable {
    package let format: ExpositionFormat
    package private(set) var bytes: [UInt8] = []

    package init(format: ExpositionFormat, reservingCapacity capacity: Int = 64 * 1024) {
        self.format = format
        bytes.reserveCapacity(capacity)
    }

    /// Writes `# HELP` and `# TYPE` for the family whose samples are named `name`.
    package mutating func family(_ name: String, _ type: MetricType, help: String) {
        var familyName = Substring(name)
        let typeWord: String
        switch (type, format) {
        case (.gauge, _):
            typeWord = "gauge"
        case (.counter, .text):
            typeWord = "counter"
        case (.counter, .openMetrics):
            typeWord = "counter"
            if familyName.hasSuffix("_total") { familyName = familyName.dropLast(6) }
        case (.info, .text):
            typeWord = "gauge"
        case (.info, .openMetrics):
            typeWord = "info"
            if familyName.hasSuffix("_info") { familyName = familyName.dropLast(5) }
        }
        append("# HELP ")
        append(familyName)
        append(" ")
        // OpenMetrics escapes quotes in HELP too; text 0.0.4 does not.
        appendEscaped(help, quote: format == .openMetrics)
        append("\n# TYPE ")
        append(familyName)
        append(" ")
        append(typeWord)
        append("\n")
    }

    /// Writes one sample. `labels` are written in the order given.
    package mutating func sample(_ name: String, _ labels: KeyValuePairs<String, String> = [:], _ value: Double) {
        append(name)
        if !labels.isEmpty {
            append("{")
            var first = true
            for (key, labelValue) in labels {
                if !first { append(",") }
                first = false
                append(key)
                append("=\"")
                appendEscaped(labelValue, quote: true)
                append("\"")
            }
            append("}")
        }
        append(" ")
        appendValue(value)
        append("\n")
    }

    /// Writes one sample whose label set was encoded once beforehand with `labelSet(_:)`; the
    /// fast path for per-link families.
    package mutating func sample(_ name: String, encodedLabels: [UInt8], _ value: UInt64) {
        append(name)
        bytes.append(contentsOf: encodedLabels)
        append(" ")
        appendInteger(value)
        append("\n")
    }

    /// Writes one sample with a label set encoded beforehand and a value that need not be whole.
    package mutating func sample(_ name: String, encodedLabels: [UInt8], _ value: Double) {
        append(name)
        bytes.append(contentsOf: encodedLabels)
        append(" ")
        appendValue(value)
        append("\n")
    }

    /// Encodes `{k="v",…}` once, for reuse across the families of one item.
    package static func labelSet(_ labels: KeyValuePairs<String, String>) -> [UInt8] {
        var writer = MetricsWriter(format: .text, reservingCapacity: 64)
        writer.append("{")
        var first = true
        for (key, value) in labels {
            if !first { writer.append(",") }
            first = false
            writer.append(key)
            writer.append("=\"")
            writer.appendEscaped(value, quote: true)
            writer.append("\"")
        }
        writer.append("}")
        return writer.bytes
    }

    /// Closes the body; OpenMetrics requires its `# EOF` line.
    package mutating func finish() -> [UInt8] {
        if format == .openMetrics { append("# EOF\n") }
        return bytes
    }

    // MARK: - Bytes

    mutating func append(_ text: some StringProtocol) {
        bytes.append(contentsOf: text.utf8)
    }

    /// A small string (up to 15 bytes: most names, label keys and literals here) has no
    /// contiguous UTF-8 to copy from, so appending its `utf8` went byte by byte; `withUTF8`
    /// gives a buffer, and the append is one copy.
    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    mutating func appendEscaped(_ text: String, quote: Bool) {
        // Most label values (link, disk and sensor names) need no escape: copied whole, not
        // appended byte by byte (a scrape with 10,000 links writes ~100,000 of them).
        let needsEscape = text.utf8.contains {
            $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\n") || (quote && $0 == UInt8(ascii: "\""))
        }
        guard needsEscape else {
            append(text)
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "\n"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\"") where quote: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "\""))
            default: bytes.append(byte)
            }
        }
    }

    mutating func appendInteger(_ value: UInt64) {
        var count = 0
        var rest = value
        repeat {
            count += 1
            rest /= 10
        } while rest > 0
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: count))
        rest = value
        var index = start + count - 1
        repeat {
            bytes[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
            index -= 1
        } while rest > 0
    }

    mutating func appendValue(_ value: Double) {
        if value.isNaN {
            append("NaN")
        } else if value.isInfinite {
            append(value > 0 ? "+Inf" : "-Inf")
        } else if value == value.rounded(), abs(value) < 1e15 {
            if value < 0 {
                append("-")
                appendInteger(UInt64(-value))
            } else {
                appendInteger(UInt64(value))
            }
        } else {
            append(value.description)
        }
    }
}
