internal import Logging
internal import ServiceLifecycle

/// Moves the engine's clock on every second (hysteresis and staleness advance without events),
/// tells systemd READY=1 once the first verdict stands, and pings its watchdog only while the
/// engine answers.
final class HeartbeatService: Service {
    let engine: HealthEngine
    let notifier: SystemdNotifier
    let logger: Logger

    init(engine: HealthEngine, notifier: SystemdNotifier, logger: Logger) {
        self.engine = engine
        self.notifier = notifier
        self.logger = logger
    }

    func run() async throws {
        // Ready when the listeners are bound (done before the group started) and the first
        // reads are judged, or after 2 s at most so a broken reader does not hold startup.
        var waited = 0
        while await engine.awaitingFirstReads, waited < 200 {
            try await Task.sleep(for: .milliseconds(10))
            waited += 1
        }
        if let code = notifier.notify("READY=1\nSTATUS=serving") {
            logger.warning("sd_notify READY=1 failed", metadata: ["errno": "\(code)"])
        }
        logger.info("ready")
        // Wake every second, or at half the watchdog timeout when that is shorter; each wake
        // judges again, and a ping goes out only after the engine answered.
        let period = min(.seconds(1), notifier.watchdogInterval ?? .seconds(1))
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: period)
                } catch {
                    return  // shutting down
                }
                await self.engine.tick()
                if self.notifier.watchdogInterval != nil {
                    self.notifier.notify("WATCHDOG=1")
                }
            }
        }
        notifier.notify("STOPPING=1")
    }
}
