import HostHealthAgent
import HostHealthConfig
import Glibc
import Logging
import HostSystem

/// `hosthealthd`: the per-host health agent. Exit status: 0 after a clean shutdown, 2 for a bad
/// flag, 78 (EX_CONFIG) for a bad configuration file or an unsafe state directory, 1 when it
/// cannot start otherwise.
@main
enum HostHealthDaemon {
    static func main() async {
        let action: DaemonFlags.Action
        do {
            action = try DaemonFlags.parse(Array(CommandLine.arguments.dropFirst()))
        } catch {
            Terminal.writeError("hosthealthd: \(error)\n")
            exit(2)
        }
        let options: AgentOptions
        switch action {
        case .help:
            print(DaemonFlags.helpText, terminator: "")
            return
        case .version:
            print("hosthealthd \(Agent.version)")
            return
        case .run(let parsed):
            options = parsed
        }
        let level = options.logLevel
        let format = options.logFormat
        // Under systemd with StandardError=journal: lines carry their priority for journald.
        let toJournal = JournalStream.isConnected(2, variable: ProcessEnvironment.value("JOURNAL_STREAM"))
        LoggingSystem.bootstrap { label in
            LineLogHandler(label: label, format: format, level: level, priorityPrefix: toJournal)
        }
        let logger = Logger(label: "hosthealthd")
        do {
            try await Agent(options: options, logger: logger).run()
        } catch let error as ConfigError {
            logger.critical("refusing to start: bad configuration", metadata: ["error": "\(error)"])
            exit(78)
        } catch let error as HostHealthError where error.code == .unsafeStateDirectory {
            // Set up wrong, as a bad file is: restarting cannot fix it.
            logger.critical("refusing to start: unsafe state directory", metadata: ["error": "\(error)"])
            exit(78)
        } catch {
            logger.critical("refusing to start", metadata: ["error": "\(error)"])
            exit(1)
        }
    }
}
