internal import HostHealthConfig
internal import Logging
internal import ServiceLifecycle
internal import UnixSignals

/// SIGHUP re-reads the configuration file. A bad file is logged with its line and the old
/// configuration stays in force.
final class ReloadService: Service {
    let loader: ConfigLoader
    let engine: HealthEngine
    let notifier: SystemdNotifier
    let logger: Logger
    /// Tells the readers what changed for them (e.g. the re-read interval).
    let onReload: @Sendable (AgentConfig) -> Void
    /// Re-reads other files (the web configuration) whether or not the main one was good, so a
    /// broken hosthealth.yaml never blocks a certificate rotation.
    let reloadOthers: @Sendable () -> Void
    /// Where the requests come from: SIGHUP, or a sequence the tests feed (no signals).
    let requests: @Sendable () async -> any AsyncSequence<UnixSignal, Never> & Sendable

    init(
        loader: ConfigLoader, engine: HealthEngine, notifier: SystemdNotifier, logger: Logger,
        onReload: @escaping @Sendable (AgentConfig) -> Void,
        reloadOthers: @escaping @Sendable () -> Void = {},
        requests: @escaping @Sendable () async -> any AsyncSequence<UnixSignal, Never> & Sendable = {
            await UnixSignalsSequence(trapping: .sighup)
        }
    ) {
        self.reloadOthers = reloadOthers
        self.requests = requests
        self.loader = loader
        self.engine = engine
        self.notifier = notifier
        self.logger = logger
        self.onReload = onReload
    }

    func run() async throws {
        let signals = await requests()
        await cancelWhenGracefulShutdown {
            for await _ in signals {
                self.notifier.notify("RELOADING=1")
                do {
                    let config = try self.loader.load()
                    await self.engine.reload(config)
                    self.onReload(config)
                    self.logger.info("configuration reloaded", metadata: [
                        "file": "\(self.loader.path)",
                        "baseline": "\(config.baseline.map { "\($0.files.joined(separator: ",")) sha256=\($0.sha256)" } ?? "none")",
                    ])
                } catch {
                    self.logger.error("configuration not reloaded; keeping the running one", metadata: ["error": "\(error)"])
                }
                self.reloadOthers()
                self.notifier.notify("READY=1")
            }
        }
    }
}
