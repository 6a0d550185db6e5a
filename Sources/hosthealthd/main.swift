import ArgumentParser
import HostHealthAgent
import HostHealthCore
import Logging

/// `hosthealthd`: the per-host health agent. Flags follow node_exporter's style and override
/// the configuration file.
@main
struct HostHealthDaemon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hosthealthd",
        abstract: "Per-host hardware and host health agent.",
        discussion: """
            Watches network links (rtnetlink events, no polling) and judges the host: ok, \
            converging, degraded, failed or unknown. Serves the verdict as a Prometheus scrape \
            (/metrics), a load-balancer health check (/health, /livez), the status document \
            (/status), the HAProxy agent-check protocol, and a local control socket for hostctl.

            With no configuration file every link is informational and the host is ok while \
            the agent can read its links. Declare the links the host cannot do without in \
            /etc/hosthealth/hosthealth.yaml:

              links:
                required: [eth0, "bond*"]

            Signals: SIGTERM/SIGINT shut down gracefully; SIGHUP reloads the configuration \
            (a bad file is logged and the running configuration kept).
            """,
        version: Agent.version)

    @Option(name: .customLong("config.file"), help: ArgumentHelp(
        "Configuration file. A missing default file means built-in defaults; a file named here must exist.",
        valueName: "path"))
    var configFile: String?

    @Option(name: .customLong("web.listen-address"), help: ArgumentHelp(
        "Address for /metrics, /health, /livez, /status; repeat to listen on several. (default: :\(AgentOptions.defaultWebPort))",
        valueName: "host:port"))
    var webListenAddresses: [String] = []

    @Option(name: .customLong("agent-check.listen-address"), help: ArgumentHelp(
        "TCP address for the HAProxy agent-check protocol; empty disables it.",
        valueName: "host:port"))
    var agentCheckAddress: String = ":\(AgentOptions.defaultAgentCheckPort)"

    @Option(name: .customLong("control.socket"), help: ArgumentHelp(
        "Unix socket for hostctl (HTTP, mode 0660, group hosthealth); empty disables it.",
        valueName: "path"))
    var controlSocket: String = AgentOptions.defaultControlSocket

    @Flag(name: .customLong("collector.links"), inversion: .prefixedNo, help: ArgumentHelp(
        "Network links over rtnetlink (state, carrier, speed, counters)."))
    var linksCollector = true

    @Option(name: .customLong("log.level"), help: ArgumentHelp(
        "Only log messages of this level or above: debug, info, warn, error.", valueName: "level"))
    var logLevel: String = "info"

    @Option(name: .customLong("log.format"), help: ArgumentHelp(
        "Log line format: logfmt or json.", valueName: "format"))
    var logFormat: String = "logfmt"

    /// node_exporter-style `--flag=` (an empty value, which disables a listener) reaches the
    /// parser as `--flag ""`: ArgumentParser reads `--flag=` as a missing value.
    static func main() async {
        let arguments = CommandLine.arguments.dropFirst().flatMap { argument -> [String] in
            argument.hasPrefix("--") && argument.hasSuffix("=") ? [String(argument.dropLast()), ""] : [argument]
        }
        await main(Array(arguments))
    }

    func validate() throws {
        guard Self.level(logLevel) != nil else {
            throw ValidationError("--log.level must be one of debug, info, warn, error (got '\(logLevel)')")
        }
        guard LogFormat(rawValue: logFormat) != nil else {
            throw ValidationError("--log.format must be logfmt or json (got '\(logFormat)')")
        }
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

    func run() async throws {
        let options: AgentOptions
        do {
            options = AgentOptions(
                configFile: configFile,
                webListenAddresses: try (webListenAddresses.isEmpty ? [":\(AgentOptions.defaultWebPort)"] : webListenAddresses)
                    .map { text throws(AgentError) in try ListenAddress(parsing: text) },
                agentCheckAddress: agentCheckAddress.isEmpty ? nil : try ListenAddress(parsing: agentCheckAddress),
                controlSocket: controlSocket.isEmpty ? nil : controlSocket,
                linksEnabled: linksCollector,
                logLevel: Self.level(logLevel) ?? .info,
                logFormat: LogFormat(rawValue: logFormat) ?? .logfmt)
        } catch {
            throw ValidationError(error.message)
        }
        if case .unix? = options.agentCheckAddress {
            throw ValidationError("--agent-check.listen-address must be a TCP address (HAProxy connects over TCP)")
        }
        let level = options.logLevel
        let format = options.logFormat
        LoggingSystem.bootstrap { label in LineLogHandler(label: label, format: format, level: level) }
        let logger = Logger(label: "hosthealthd")
        do {
            try await Agent(options: options, logger: logger).run()
        } catch let error as ConfigError {
            logger.critical("refusing to start: bad configuration", metadata: ["error": "\(error)"])
            throw ExitCode(78)  // EX_CONFIG
        } catch let error as AgentError {
            logger.critical("refusing to start", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
    }
}
