import ArgumentParser
import FoundationEssentials
import HostHealthAgent
import HostHealthCore

/// `hostctl`: the operator's view of the local agent.
@main
struct HostCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hostctl",
        abstract: "Ask the local hosthealth agent how this host is doing.",
        version: Agent.version,
        subcommands: [Status.self, Events.self])
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

    @Flag(help: "Collect once in this process instead of asking the agent (needs no running agent).")
    var direct = false

    @Flag(help: "List only components that are not ok.")
    var problems = false

    @Option(name: .customLong("socket"), help: ArgumentHelp("The agent's control socket.", valueName: "path"))
    var socket: String = AgentOptions.defaultControlSocket

    @Option(name: .customLong("config.file"), help: ArgumentHelp(
        "With --direct: the configuration to judge by (default: \(ConfigLoader.defaultPath) when present).",
        valueName: "path"))
    var configFile: String?

    @Flag(name: .customLong("color"), inversion: .prefixedNo, help: "Colour the table (default: when printing to a terminal).")
    var color: Bool?

    func run() async throws {
        let document: StatusDocument
        // --json prints the agent's own bytes: the same document as GET /status, with any field
        // a newer agent adds.
        let raw: [UInt8]
        if direct {
            let config: AgentConfig
            do {
                config = try ConfigLoader(path: configFile).load()
            } catch {
                printError("hostctl: \(error)")
                throw ExitCode(StatusExitCode.unreachable)
            }
            document = DirectCollection.statusDocument(config: config)
            raw = document.json()
        } else {
            do {
                let (status, body) = try await ControlClient(socketPath: socket).get("/status")
                guard status == 200 else {
                    printError("hostctl: the agent answered \(status): \(String(decoding: body, as: UTF8.self))")
                    throw ExitCode(StatusExitCode.unreachable)
                }
                document = try JSONDecoder().decode(StatusDocument.self, from: Data(body))
                raw = body
            } catch let failure as ControlClient.Failure {
                printError("hostctl: cannot reach the hosthealth agent at \(socket): \(failure) (try --direct)")
                throw ExitCode(StatusExitCode.unreachable)
            } catch let error as DecodingError {
                printError("hostctl: the agent's status document is not readable: \(error)")
                throw ExitCode(StatusExitCode.unreachable)
            }
        }
        if json {
            print(String(decoding: raw, as: UTF8.self), terminator: "")
        } else {
            let useColor = color ?? (Terminal.isTerminal(1) && Terminal.environment("NO_COLOR") == nil)
            print(StatusTable(color: useColor, problemsOnly: problems).render(document), terminator: "")
        }
        let code = StatusExitCode.forState(document.host.state)
        if code != 0 { throw ExitCode(code) }
    }

    func printError(_ message: String) {
        Terminal.writeError(message + "\n")
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
    var socket: String = AgentOptions.defaultControlSocket

    func run() async throws {
        var path = "/events"
        if let since {
            let encoded = since.utf8.map { byte -> String in
                let safe = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
                return safe ? String(UnicodeScalar(byte)) : "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }.joined()
            path += "?since=" + encoded
        }
        let document: EventsDocument
        let raw: [UInt8]
        do {
            let (status, body) = try await ControlClient(socketPath: socket).get(path)
            guard status == 200 else {
                Terminal.writeError("hostctl: the agent answered \(status): \(String(decoding: body, as: UTF8.self))")
                throw ExitCode(2)
            }
            document = try JSONDecoder().decode(EventsDocument.self, from: Data(body))
            raw = body
        } catch let failure as ControlClient.Failure {
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
