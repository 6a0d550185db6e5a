package import Logging
internal import Glibc
internal import HostHealthExposition
package import HostHealthModel

/// The two log formats `--log.format` offers, as node_exporter does.
package enum LogFormat: String, Sendable, CaseIterable {
    case logfmt
    case json
}

/// Writes one line per record to stderr, as logfmt (`ts=… level=info msg="…" key=value`) or
/// JSON, which journald and log shippers take as they are. Under systemd, when stderr is the
/// journal's stream, each line starts with the sd-daemon `<N>` prefix so journald files it at
/// its syslog priority (`journalctl -p warning` then shows warnings and worse, not every line
/// at the stream's default, info); anywhere else the line is plain.
package struct LineLogHandler: LogHandler {
    package var metadata: Logger.Metadata = [:]
    package var logLevel: Logger.Level
    let format: LogFormat
    let label: String
    /// Prefix each line with its priority (stderr is connected to journald).
    let priorityPrefix: Bool

    package init(label: String, format: LogFormat, level: Logger.Level, priorityPrefix: Bool) {
        self.label = label
        self.format = format
        self.logLevel = level
        self.priorityPrefix = priorityPrefix
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var bytes = line(level: event.level, message: event.message.description, metadata: event.metadata, time: WallClock.now())
        bytes.withUnsafeMutableBytes { _ = write(2, $0.baseAddress, $0.count) }
    }

    /// The bytes written for one record.
    package func line(level: Logger.Level, message: String, metadata extra: Logger.Metadata?, time: Timestamp) -> [UInt8] {
        var fields: [(key: String, value: String)] = [("ts", time.rfc3339), ("level", level.rawValue), ("msg", message)]
        var merged = metadata
        if let extra { merged.merge(extra) { $1 } }
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            fields.append((key, value.description))
        }
        let line = LogLine(fields: fields)
        let body = format == .json ? line.json() : line.logfmt()
        guard priorityPrefix else { return body }
        return Array("<\(Self.syslogPriority(level))>".utf8) + body
    }

    /// syslog(3) priorities, as sd-daemon(3) defines the prefix: swift-log's seven levels onto
    /// syslog's eight (nothing logs at emerg: that is for a host that is unusable, not an agent).
    package static func syslogPriority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }
}
