import ArgumentParser
import FoundationEssentials
import HostHealthCollection
import HostHealthModel
import HostHealthPolicy
import HostHealthConfig
import HostHealthExposition
internal import HostSystem

/// `hostctl`: the operator's view of the local agent.
@main
struct HostCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hostctl",
        abstract: "Ask the local hosthealth agent how this host is doing.",
        version: AgentInfo.releaseVersion,
        subcommands: [Status.self, Check.self, Events.self, MaintenanceCommand.self, DiffCommand.self, BaselineCommand.self, InventoryCommand.self])
}

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the host's state and capacity, then every component.",
        discussion: """
            Exit status: 0 ok, 1 converging or degraded, 2 failed, 3 unknown or the agent \
            could not be reached.
            """)

    @Flag(help: "Print the status document as JSON (the same as GET /status).")
    var json = false

    @Flag(help: "List only components that are not ok.")
    var problems = false

    @OptionGroup var source: StatusSource

    @Flag(name: .customLong("color"), inversion: .prefixedNo, help: "Colour the table (default: when printing to a terminal).")
    var color: Bool?

    func run() async throws {
        let document: StatusDocument
        // --json prints the agent's own bytes: the same document as GET /status, with any field
        // a newer agent adds.
        let raw: [UInt8]
        do {
            (document, raw) = try await source.fetch()
        } catch {
            printError("hostctl: \(error)")
            throw ExitCode(StatusExitCode.unreachable)
        }
        if json {
            print(String(decoding: raw, as: UTF8.self), terminator: "")
        } else {
            let useColor = color ?? (Terminal.isTerminal(1) && ProcessEnvironment.value("NO_COLOR") == nil)
            print(StatusTable(color: useColor, problemsOnly: problems).render(document), terminator: "")
        }
        let code = StatusExitCode.forState(document.host.state)
        if code != 0 { throw ExitCode(code) }
    }

    func printError(_ message: String) {
        Terminal.writeError(message + "\n")
    }
}

/// Where `status` and `check` get the status document: the agent over its socket, or a
/// collection in this process (`--direct`).
struct StatusSource: ParsableArguments {
    @Flag(help: "Collect once in this process instead of asking the agent (needs no running agent).")
    var direct = false

    @Option(name: .customLong("socket"), help: ArgumentHelp("The agent's control socket.", valueName: "path"))
    var socket: String = ConfigLoader.defaultControlSocket

    @Option(name: .customLong("config.file"), help: ArgumentHelp(
        "With --direct: the configuration to judge by (default: \(ConfigLoader.defaultPath) when present).",
        valueName: "path"))
    var configFile: String?

    @Option(name: .customLong("baseline.file"), help: ArgumentHelp(
        "With --direct: the baseline to judge drift by (default: \(BaselineLoader.defaultPath) when present).",
        valueName: "path"))
    var baselineFile: String?

    /// The document and, from the agent, its exact bytes. Every failure is `.agentUnreachable`
    /// but a bad configuration for `--direct` (`.badConfig`, the `ConfigError` its cause).
    func fetch() async throws(HostHealthError) -> (StatusDocument, [UInt8]) {
        if direct {
            let config: AgentConfig
            do {
                config = try ConfigLoader(path: configFile, baselinePath: baselineFile).load()
            } catch {
                throw HostHealthError(.badConfig, "\(error)", cause: error)
            }
            let document = DirectCollection.statusDocument(config: config)
            return (document, document.json())
        }
        let status: Int
        let body: [UInt8]
        do {
            (status, body) = try ControlClient(socketPath: socket).get("/status")
        } catch {
            throw HostHealthError(.agentUnreachable, "cannot reach the hosthealth agent at \(socket): \(error) (try --direct)", cause: error)
        }
        guard status == 200 else {
            throw HostHealthError(.agentUnreachable, "the agent answered \(status): \(String(decoding: body, as: UTF8.self))")
        }
        do {
            return (try JSONDecoder().decode(StatusDocument.self, from: Data(body)), body)
        } catch {
            throw HostHealthError(.agentUnreachable, "the agent's status document is not readable: \(error)")
        }
    }
}

struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the host for a monitoring system (Nagios-style or node-problem-detector plugin).",
        discussion: """
            nagios: one line 'STATUS: text | perfdata'; exit 0 OK (ok), 1 WARNING (converging, \
            maintenance), 2 CRITICAL (degraded, failed), 3 UNKNOWN (unknown, agent unreachable).
            npd: a message of at most 80 bytes; exit 0 OK (ok, converging), 1 problem (degraded, \
            failed, maintenance), 2 unknown.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case nagios, npd
    }

    @Option(help: "Output convention: nagios or npd.")
    var format: Format = .nagios

    @OptionGroup var source: StatusSource

    func run() async throws {
        let result: MonitoringCheck.Result
        do {
            let (document, _) = try await source.fetch()
            result = format == .nagios ? MonitoringCheck.nagios(document) : MonitoringCheck.problemDetector(document)
        } catch {
            result = format == .nagios
                ? MonitoringCheck.nagiosUnreachable("\(error)") : MonitoringCheck.problemDetectorUnreachable("\(error)")
        }
        print(result.output, terminator: "")
        if result.exitCode != 0 { throw ExitCode(result.exitCode) }
    }
}

struct Events: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the transition journal: what changed, when and why, newest last.")

    @Option(help: ArgumentHelp("Only transitions since this time (2026-11-27T21:54:00Z or Unix seconds) or for this long (1h, 30m).", valueName: "when"))
    var since: String?

    @Flag(help: "Print the events document as JSON (the same as GET /events).")
    var json = false

    @Option(name: .customLong("socket"), help: ArgumentHelp("The agent's control socket.", valueName: "path"))
    var socket: String = ConfigLoader.defaultControlSocket

    func run() async throws {
        var path = "/events"
        if let since {
            path += "?since=" + ControlClient.formEncoded(since)
        }
        let document: EventsDocument
        let raw: [UInt8]
        do {
            let (status, body) = try ControlClient(socketPath: socket).get(path)
            guard status == 200 else {
                Terminal.writeError("hostctl: the agent answered \(status): \(String(decoding: body, as: UTF8.self))")
                throw ExitCode(2)
            }
            document = try JSONDecoder().decode(EventsDocument.self, from: Data(body))
            raw = body
        } catch let failure as HostHealthError {
            Terminal.writeError("hostctl: cannot reach the hosthealth agent at \(socket): \(failure)\n")
            throw ExitCode(StatusExitCode.unreachable)
        }
        if json {
            print(String(decoding: raw, as: UTF8.self), terminator: "")
        } else {
            print(EventsTable().render(document), terminator: "")
        }
    }
}

struct MaintenanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maintenance",
        abstract: "Drain this host on purpose (break-glass), or end the drain.",
        discussion: """
            While on, HAProxy's agent-check gets 'maint', /health answers 503 and the metrics and \
            status document show it, whatever the components say; it survives an agent restart. \
            Only root and members of the hosthealth group may change it. Without on/off, shows it.
            """)

    enum Action: String, ExpressibleByArgument, CaseIterable {
        case on, off
    }

    @Argument(help: "on or off; omit to show the current maintenance.")
    var action: Action?

    @Option(help: ArgumentHelp("Why (required with on): shown to HAProxy, in /status and in the journal.", valueName: "text"))
    var reason: String?

    @Option(name: .customLong("socket"), help: ArgumentHelp("The agent's control socket.", valueName: "path"))
    var socket: String = ConfigLoader.defaultControlSocket

    func validate() throws {
        if action == .on, (reason ?? "").allSatisfy(\.isWhitespace) {
            throw ValidationError("maintenance on needs --reason TEXT: it is what HAProxy and the journal show")
        }
    }

    func run() async throws {
        let client = ControlClient(socketPath: socket)
        let answer: (status: Int, body: [UInt8])
        do {
            if let action {
                answer = try client.post("/maintenance", form: [("state", action.rawValue), ("reason", reason ?? "")])
            } else {
                answer = try client.get("/maintenance")
            }
        } catch {
            Terminal.writeError("hostctl: cannot reach the hosthealth agent at \(socket): \(error)\n")
            throw ExitCode(StatusExitCode.unreachable)
        }
        let text = visibleLines(String(decoding: answer.body, as: UTF8.self))
        guard answer.status == 200 else {
            Terminal.writeError("hostctl: refused (\(answer.status)): \(text)")
            throw ExitCode(answer.status == 403 ? 4 : 1)
        }
        print(text, terminator: "")
    }
}
