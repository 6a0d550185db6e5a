internal import HostHealthModel
internal import Logging
package import HostSystem
internal import HostHealthConfig

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

    /// What parsing has gathered so far: the options, and the web addresses, which replace
    /// the default only when at least one is given.
    struct Parsed {
        var options = AgentOptions()
        var webAddresses: [ListenAddress] = []
    }

    /// A flag that takes a value: its name, the value's name and help for `--help`, and how
    /// the value is applied. `flags` is the one table both the parser and `--help` read.
    struct Flag: Sendable {
        let name: String
        let value: String
        let help: String
        let apply: @Sendable (_ value: String, _ parsed: inout Parsed) throws(HostHealthError) -> Void
    }

    static let flags: [Flag] = [
        Flag(name: "config.file", value: "path", help: "Configuration file. A missing default file means built-in defaults; a file named here must exist. (default: \(ConfigLoader.defaultPath))") { (path, parsed) throws(HostHealthError) in
            guard !path.isEmpty else { throw HostHealthError(.badFlag, "--config.file needs a path") }
            parsed.options.configFile = path
        },
        Flag(name: "baseline.file", value: "path", help: "The declared intent (plus baseline.d/*.yaml beside it, in lexical order); without one there is no drift judgement. A file named here must exist. (default: \(BaselineLoader.defaultPath) when present)") { (path, parsed) throws(HostHealthError) in
            guard !path.isEmpty else { throw HostHealthError(.badFlag, "--baseline.file needs a path") }
            parsed.options.baselineFile = path
        },
        Flag(name: "web.listen-address", value: "host:port", help: "Address for /metrics, /health, /livez, /status, /events; repeat to listen on several. (default: :\(AgentOptions.defaultWebPort))") { (text, parsed) throws(HostHealthError) in
            guard !text.isEmpty else { throw HostHealthError(.badFlag, "--web.listen-address cannot be empty") }
            parsed.webAddresses.append(try ListenAddress(parsing: text))
        },
        Flag(name: "web.config.file", value: "path", help: "TLS and basic auth for the web listeners, in the Prometheus exporter-toolkit format (tls_server_config, basic_auth_users). Not applied to the control socket, which is local and permission-checked. (default: none)") { (path, parsed) throws(HostHealthError) in
            parsed.options.webConfigFile = path.isEmpty ? nil : path
        },
        Flag(name: "agent-check.listen-address", value: "host:port", help: "TCP address for the HAProxy agent-check protocol; empty disables it. (default: :\(AgentOptions.defaultAgentCheckPort))") { (text, parsed) throws(HostHealthError) in
            if text.isEmpty {
                parsed.options.agentCheckAddress = nil
                return
            }
            let address = try ListenAddress(parsing: text)
            guard case .tcp = address else {
                throw HostHealthError(.badFlag, "--agent-check.listen-address must be a TCP address (HAProxy connects over TCP)")
            }
            parsed.options.agentCheckAddress = address
        },
        Flag(name: "control.socket", value: "path", help: "Unix socket for hostctl (HTTP, mode 0660, group hosthealth); empty disables it. (default: \(AgentOptions.defaultControlSocket))") { (path, parsed) throws(HostHealthError) in
            parsed.options.controlSocket = path.isEmpty ? nil : path
        },
        Flag(name: "state.dir", value: "path", help: "Directory for the transition journal (journal.jsonl, bounded, fsynced) and a maintenance in force (maintenance.json); empty keeps it in memory only. (default: \(AgentOptions.defaultStateDirectory))") { (path, parsed) throws(HostHealthError) in
            parsed.options.stateDirectory = path.isEmpty ? nil : path
        },
        Flag(name: "log.level", value: "level", help: "Only log messages of this level or above: debug, info, warn, error. (default: info)") { (text, parsed) throws(HostHealthError) in
            guard let level = level(text) else {
                throw HostHealthError(.badFlag, "--log.level must be one of debug, info, warn, error (got '\(text)')")
            }
            parsed.options.logLevel = level
        },
        Flag(name: "log.format", value: "format", help: "Log line format: logfmt or json. (default: logfmt)") { (text, parsed) throws(HostHealthError) in
            guard let format = LogFormat(rawValue: text) else {
                throw HostHealthError(.badFlag, "--log.format must be logfmt or json (got '\(text)')")
            }
            parsed.options.logFormat = format
        },
    ]

    package static func parse(_ arguments: [String]) throws(HostHealthError) -> Action {
        var parsed = Parsed()
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "-h" || argument == "--help" { return .help }
            if argument == "--version" { return .version }
            guard argument.hasPrefix("--") else {
                throw HostHealthError(.badFlag, "unexpected argument '\(argument)'; hosthealthd takes only --flags (see --help)")
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
                    guard let flag = Bool(inline) else { throw HostHealthError(.badFlag, "--\(name) takes no value, or true/false") }
                    enabled = flag == enabled
                }
                if enabled {
                    parsed.options.collectors.insert(collector)
                } else {
                    parsed.options.collectors.remove(collector)
                }
            } else if let flag = flags.first(where: { $0.name == name }) {
                let value: String
                if let inline {
                    value = inline
                } else {
                    index += 1
                    guard index < arguments.count, !arguments[index].hasPrefix("--") else {
                        throw HostHealthError(.badFlag, "--\(name) needs a value (write --\(name)= for an empty one); see --help")
                    }
                    value = arguments[index]
                }
                try flag.apply(value, &parsed)
            } else {
                let known = flags.map(\.name) + Collector.allCases.flatMap { ["collector.\($0.rawValue)", "no-collector.\($0.rawValue)"] }
                let near = known.min { distance($0, name) < distance($1, name) }
                let hint = near.map { distance($0, name) <= 3 ? "; did you mean --\($0)?" : "" } ?? ""
                throw HostHealthError(.badFlag, "unknown flag --\(name)\(hint) (see --help)")
            }
            index += 1
        }
        if !parsed.webAddresses.isEmpty { parsed.options.webListenAddresses = parsed.webAddresses }
        return .run(parsed.options)
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

            Reads md RAID arrays, disks (with SMART and kernel-log errors), hardware sensors
            and network links, each in its own reader off the request path, and judges every
            component and the host: ok, converging, degraded, failed or unknown (a source
            that cannot be read is never silently ok). Every collector is on by default.

            ENDPOINTS (HTTP on --web.listen-address, default port \(AgentOptions.defaultWebPort)):
              /metrics   Prometheus text format, OpenMetrics when asked
              /health    host state as JSON; by default 200 for ok and converging, else 503
              /livez     200 while the agent itself is alive
              /status    the status document, the same as `hostctl status --json`
              /events    the transition journal (?since=1h)
            The HAProxy agent-check protocol listens on TCP port \(AgentOptions.defaultAgentCheckPort); the control
            socket (\(AgentOptions.defaultControlSocket)) serves the same endpoints to hostctl,
            plus /maintenance.

            CONFIGURATION: \(ConfigLoader.defaultPath), every key optional; without the
            file, built-in defaults (every link informational). Declare what the host cannot
            do without, e.g.

              links:
                required: [eth0, "bond*"]

            SIGNALS: SIGTERM/SIGINT shut down gracefully; SIGHUP reloads the configuration
            (a bad file is logged and the running configuration kept).

            EXIT STATUS: 0 after a clean shutdown, 2 for a bad flag, 78 (EX_CONFIG) for a
            bad configuration file, 1 when the agent cannot start otherwise.

            USAGE: hosthealthd [--flag=value ...]

            FLAGS:

            """
        for flag in flags {
            text += "  --\(flag.name)=<\(flag.value)>\n" + wrap(flag.help, indent: 6) + "\n"
        }
        for collector in Collector.allCases {
            let help = "\(collector.help) Disable with --no-collector.\(collector.rawValue). (default: enabled)"
            text += "  --[no-]collector.\(collector.rawValue)\n" + wrap(help, indent: 6) + "\n"
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
