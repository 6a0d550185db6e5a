internal import HostHealthModel
internal import Logging

/// `hosthealthd`'s command line, node_exporter style: `--name=value` or `--name value`,
/// repeatable `--web.listen-address`, `--collector.NAME` / `--no-collector.NAME`, and an empty
/// value (`--control.socket=`) to turn a listener off.
///
/// Parsed by hand rather than with swift-argument-parser: that library links
/// FoundationEssentials, which doubles the daemon's binary and adds megabytes of resident
/// memory on every host of a fleet. `hostctl`, run by people, uses the library.
package struct DaemonFlags: Sendable {
    /// What the command line asked for.
    package enum Action: Sendable, Equatable {
        case run(AgentOptions)
        case help
        case version
    }

    struct Flag {
        let name: String
        let value: String?
        let help: String
    }

    static let flags: [Flag] = [
        Flag(name: "config.file", value: "path", help: "Configuration file. A missing default file means built-in defaults; a file named here must exist. (default: \(ConfigLoader.defaultPath))"),
        Flag(name: "web.listen-address", value: "host:port", help: "Address for /metrics, /health, /livez, /status; repeat to listen on several. (default: :\(AgentOptions.defaultWebPort))"),
        Flag(name: "web.config.file", value: "path", help: "TLS and basic auth for the web listeners, in the Prometheus exporter-toolkit format (tls_server_config, basic_auth_users). Not applied to the control socket, which is local and permission-checked. (default: none)"),
        Flag(name: "agent-check.listen-address", value: "host:port", help: "TCP address for the HAProxy agent-check protocol; empty disables it. (default: :\(AgentOptions.defaultAgentCheckPort))"),
        Flag(name: "control.socket", value: "path", help: "Unix socket for hostctl (HTTP, mode 0660, group hosthealth); empty disables it. (default: \(AgentOptions.defaultControlSocket))"),
        Flag(name: "state.dir", value: "path", help: "Directory for the transition journal (journal.jsonl, bounded, fsynced) and a maintenance in force (maintenance.json); empty keeps it in memory only. (default: \(AgentOptions.defaultStateDirectory))"),
        Flag(name: "log.level", value: "level", help: "Only log messages of this level or above: debug, info, warn, error. (default: info)"),
        Flag(name: "log.format", value: "format", help: "Log line format: logfmt or json. (default: logfmt)"),
    ] + Collector.allCases.map {
        Flag(name: "collector.\($0.rawValue)", value: nil, help: "\($0.help) Disable with --no-collector.\($0.rawValue). (default: enabled)")
    }

    package static func parse(_ arguments: [String]) throws(AgentError) -> Action {
        var options = AgentOptions()
        var webAddresses: [ListenAddress] = []
        var index = 0
        func value(for name: String, inline: String?) throws(AgentError) -> String {
            if let inline { return inline }
            index += 1
            guard index < arguments.count, !arguments[index].hasPrefix("--") else {
                throw AgentError(.badFlag, "--\(name) needs a value (write --\(name)= for an empty one); see --help")
            }
            return arguments[index]
        }
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "-h" || argument == "--help" { return .help }
            if argument == "--version" { return .version }
            guard argument.hasPrefix("--") else {
                throw AgentError(.badFlag, "unexpected argument '\(argument)'; hosthealthd takes only --flags (see --help)")
            }
            let body = argument.dropFirst(2)
            let name: String
            let inline: String?
            if let equals = body.firstIndex(of: "=") {
                name = String(body[..<equals])
                inline = String(body[body.index(after: equals)...])
            } else {
                name = String(body)
                inline = nil
            }
            if let collector = Self.collector(named: name) {
                var enabled = !name.hasPrefix("no-")
                if let inline {
                    guard let flag = Bool(inline) else { throw AgentError(.badFlag, "--\(name) takes no value, or true/false") }
                    enabled = flag == enabled
                }
                if enabled {
                    options.collectors.insert(collector)
                } else {
                    options.collectors.remove(collector)
                }
                index += 1
                continue
            }
            switch name {
            case "config.file":
                let path = try value(for: name, inline: inline)
                guard !path.isEmpty else { throw AgentError(.badFlag, "--config.file needs a path") }
                options.configFile = path
            case "web.listen-address":
                let text = try value(for: name, inline: inline)
                guard !text.isEmpty else { throw AgentError(.badFlag, "--web.listen-address cannot be empty") }
                webAddresses.append(try ListenAddress(parsing: text))
            case "web.config.file":
                let path = try value(for: name, inline: inline)
                options.webConfigFile = path.isEmpty ? nil : path
            case "agent-check.listen-address":
                let text = try value(for: name, inline: inline)
                if text.isEmpty {
                    options.agentCheckAddress = nil
                } else {
                    let address = try ListenAddress(parsing: text)
                    guard case .tcp = address else {
                        throw AgentError(.badFlag, "--agent-check.listen-address must be a TCP address (HAProxy connects over TCP)")
                    }
                    options.agentCheckAddress = address
                }
            case "control.socket":
                let path = try value(for: name, inline: inline)
                options.controlSocket = path.isEmpty ? nil : path
            case "state.dir":
                let path = try value(for: name, inline: inline)
                options.stateDirectory = path.isEmpty ? nil : path
            case "log.level":
                let text = try value(for: name, inline: inline)
                guard let level = Self.level(text) else {
                    throw AgentError(.badFlag, "--log.level must be one of debug, info, warn, error (got '\(text)')")
                }
                options.logLevel = level
            case "log.format":
                let text = try value(for: name, inline: inline)
                guard let format = LogFormat(rawValue: text) else {
                    throw AgentError(.badFlag, "--log.format must be logfmt or json (got '\(text)')")
                }
                options.logFormat = format
            default:
                let known = flags.map(\.name) + Collector.allCases.map { "no-collector.\($0.rawValue)" }
                let near = known.min { distance($0, name) < distance($1, name) }
                let hint = near.map { distance($0, name) <= 3 ? "; did you mean --\($0)?" : "" } ?? ""
                throw AgentError(.badFlag, "unknown flag --\(name)\(hint) (see --help)")
            }
            index += 1
        }
        if !webAddresses.isEmpty { options.webListenAddresses = webAddresses }
        return .run(options)
    }

    /// The collector a `--collector.NAME` or `--no-collector.NAME` flag names.
    static func collector(named flag: String) -> Collector? {
        let name = flag.hasPrefix("no-") ? flag.dropFirst(3) : Substring(flag)
        guard name.hasPrefix("collector.") else { return nil }
        return Collector(rawValue: String(name.dropFirst("collector.".count)))
    }

    static func level(_ text: String) -> Logger.Level? {
        switch text {
        case "debug": .debug
        case "info": .info
        case "warn", "warning": .warning
        case "error": .error
        default: nil
        }
    }

    /// Edit distance, for "did you mean".
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8)
        let b = Array(b.utf8)
        var previous = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(1, b.count) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }

    package static var helpText: String {
        var text = """
            hosthealthd \(Agent.version) — per-host hardware and host health agent

            Watches network links (rtnetlink events, no polling) and judges the host: ok,
            converging, degraded, failed or unknown. Serves the verdict as a Prometheus scrape
            (/metrics), a load-balancer health check (/health, /livez), the status document
            (/status), the HAProxy agent-check protocol, and a local control socket for hostctl.

            With no configuration file every link is informational and the host is ok while the
            agent can read its links. Declare the links the host cannot do without in
            \(ConfigLoader.defaultPath):

              links:
                required: [eth0, "bond*"]

            Signals: SIGTERM/SIGINT shut down gracefully; SIGHUP reloads the configuration (a bad
            file is logged and the running configuration kept).

            USAGE: hosthealthd [--flag=value ...]

            FLAGS:

            """
        for flag in flags {
            let head = "  --" + (flag.value == nil ? "[no-]\(flag.name)" : "\(flag.name)=<\(flag.value!)>")
            text += head + "\n" + wrap(flag.help, indent: 6) + "\n"
        }
        text += "  -h, --help\n      Show this help.\n  --version\n      Show the version.\n"
        return text
    }

    static func wrap(_ text: String, indent: Int, width: Int = 78) -> String {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty, indent + line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        let pad = String(repeating: " ", count: indent)
        return lines.map { pad + $0 }.joined(separator: "\n")
    }
}
