package import Logging
internal import Glibc
internal import HostHealthExposition
internal import HostHealthModel

/// The two log formats `--log.format` offers, as node_exporter does.
package enum LogFormat: String, Sendable, CaseIterable {
    case logfmt
    case json
}

/// Writes one line per record to stderr, as logfmt (`ts=… level=info msg="…" key=value`) or
/// JSON, which journald and log shippers take as they are.
package struct LineLogHandler: LogHandler {
    package var metadata: Logger.Metadata = [:]
    package var logLevel: Logger.Level
    let format: LogFormat
    let label: String

    package init(label: String, format: LogFormat, level: Logger.Level) {
        self.label = label
        self.format = format
        self.logLevel = level
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var fields: [(key: String, value: String)] = [
            ("ts", WallClock.now().rfc3339), ("level", event.level.rawValue), ("msg", event.message.description),
        ]
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            fields.append((key, value.description))
        }
        let line = LogLine(fields: fields)
        var bytes = format == .json ? line.json() : line.logfmt()
        bytes.withUnsafeMutableBytes { _ = write(2, $0.baseAddress, $0.count) }
    }
}
