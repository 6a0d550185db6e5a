internal import HostHealthModel
package import HostHealthExposition

/// `hostctl check`: the host's verdict in the two plugin conventions monitoring systems run.
///
/// Nagios (and Icinga, Naemon, Sensu): exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN, one line
/// `STATUS: text | perfdata`. `converging` heals by itself, so it warns; `degraded` does not
/// heal and drains the host, so it is critical like `failed`; an operator's maintenance warns
/// (deliberate, but the host takes no traffic).
///
/// node-problem-detector custom plugins: exit 0 OK, 1 problem, 2 unknown, a message of at most
/// 80 bytes (NPD's default `max_output_length`). A problem is what should keep new work off the
/// node: `degraded`, `failed` and maintenance; `converging` keeps serving, so it is OK.
package enum MonitoringCheck {
    package struct Result: Sendable, Equatable {
        package var exitCode: Int32
        package var output: String

        package init(exitCode: Int32, output: String) {
            self.exitCode = exitCode
            self.output = output
        }
    }

    package static func nagios(_ document: StatusDocument) -> Result {
        let host = document.host
        let (code, word): (Int32, String) = if host.maintenance != nil {
            (1, "WARNING")
        } else {
            switch host.state {
            case .ok: (0, "OK")
            case .converging: (1, "WARNING")
            case .degraded, .failed: (2, "CRITICAL")
            case .unknown: (3, "UNKNOWN")
            }
        }
        var text = "host \(host.state.rawValue), capacity \(percent(host.capacity))"
        if let maintenance = host.maintenance { text = "in maintenance (\(maintenance)); " + text }
        if !host.reasons.isEmpty { text += ": " + host.reasons.joined(separator: "; ") }
        let counts = HealthState.allCases.map { state in (state, document.components.count { $0.state == state }) }
        var perfdata = "capacity=\(number(host.capacity));;;0;1 components=\(document.components.count)"
        perfdata += " components_not_ok=\(document.components.count { $0.state != .ok })"
        for (state, count) in counts where state != .ok { perfdata += " \(state.rawValue)=\(count)" }
        perfdata += " maintenance=\(host.maintenance == nil ? 0 : 1)"
        // One line; '|' would start the perfdata early.
        return Result(exitCode: code, output: "\(word): \(oneLine(text, replacingBar: true)) | \(perfdata)\n")
    }

    /// The agent could not be asked: the plugin's own unknown.
    package static func nagiosUnreachable(_ why: String) -> Result {
        Result(exitCode: 3, output: "UNKNOWN: \(oneLine(why, replacingBar: true))\n")
    }

    package static let problemDetectorMessageLimit = 80

    package static func problemDetector(_ document: StatusDocument) -> Result {
        let host = document.host
        let code: Int32 = if host.maintenance != nil {
            1
        } else {
            switch host.state {
            case .ok, .converging: 0
            case .degraded, .failed: 1
            case .unknown: 2
            }
        }
        var text = host.state.rawValue
        if let maintenance = host.maintenance {
            text = "maintenance: \(maintenance)"
        } else if let first = host.reasons.first {
            text += ": " + first
        } else if host.state == .ok {
            text = "ok, capacity \(percent(host.capacity))"
        }
        if host.state == .converging, host.maintenance == nil { text += " (capacity \(percent(host.capacity)))" }
        return Result(exitCode: code, output: truncated(oneLine(text, replacingBar: false), toBytes: problemDetectorMessageLimit) + "\n")
    }

    package static func problemDetectorUnreachable(_ why: String) -> Result {
        Result(exitCode: 2, output: truncated(oneLine(why, replacingBar: false), toBytes: problemDetectorMessageLimit) + "\n")
    }

    /// At most `limit` bytes of UTF-8, cut on a character boundary, `...` marking the cut.
    package static func truncated(_ text: String, toBytes limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var cut = ""
        for character in text {
            if cut.utf8.count + character.utf8.count > limit - 3 { break }
            cut.append(character)
        }
        return cut + "..."
    }

    /// One line of plain text: line breaks as spaces, other control characters as visible
    /// escapes (the text holds reasons and maintenance words from outside).
    static func oneLine(_ text: String, replacingBar: Bool) -> String {
        TextFormat.visible(String(text.map { character -> Character in
            if character.isNewline { return " " }
            return replacingBar && character == "|" ? "/" : character
        }))
    }

    static func percent(_ ratio: Double) -> String {
        "\(Int((ratio * 100).rounded()))%"
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
