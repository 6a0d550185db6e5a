internal import DiskReader
internal import HostHealthModel
internal import HostHealthConfig
internal import Logging
internal import NIOPosix
internal import ServiceLifecycle
internal import Synchronization

/// Runs smartctl for every disk on its own cadence (`smart.interval`), never inside a scrape:
/// at most `smart.concurrency` at once, each on a pool thread and killed at `smart.timeout`.
/// A disk seen for the first time (at start, hot-plugged) is read within a few seconds.
final class SmartService: Service {
    let engine: HealthEngine
    let threads: NIOThreadPool
    let config: Mutex<SmartConfig>
    let logger: Logger
    /// How often the service looks for disks that are due.
    static let checkSeconds = 5.0

    init(engine: HealthEngine, config: SmartConfig, threads: NIOThreadPool, logger: Logger) {
        self.engine = engine
        self.config = Mutex(config)
        self.threads = threads
        self.logger = logger
    }

    func reload(_ config: SmartConfig) {
        self.config.withLock { $0 = config }
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var lastAttempt: [String: ContinuousClock.Instant] = [:]
            let started = ContinuousClock.now
            while !Task.isCancelled {
                let config = self.config.withLock { $0 }
                let now = ContinuousClock.now
                let names = await self.engine.diskNames
                lastAttempt = lastAttempt.filter { names.contains($0.key) }
                let due = names.filter { name in
                    lastAttempt[name].map { now - $0 >= .seconds(config.intervalSeconds) } ?? true
                }
                if !due.isEmpty {
                    for name in due { lastAttempt[name] = now }
                    await self.read(due, config: config)
                }
                // Until the disk reader's first enumeration, look again soon.
                let waiting = names.isEmpty && ContinuousClock.now - started < .seconds(10)
                do {
                    try await Task.sleep(for: .seconds(waiting ? 0.25 : Self.checkSeconds))
                } catch {
                    return
                }
            }
        }
    }

    /// Reads `names`, `concurrency` at a time.
    private func read(_ names: [String], config: SmartConfig) async {
        let smartctl = Smartctl(path: config.smartctl, timeoutSeconds: config.timeoutSeconds)
        await withTaskGroup(of: Void.self) { group in
            var pending = names[...]
            func startNext() {
                guard let name = pending.popFirst() else { return }
                group.addTask {
                    let started = ContinuousClock.now
                    guard let attempt = try? await self.threads.runIfActive({ smartctl.run(disk: name) }) else { return }
                    let took = ContinuousClock.now - started
                    let seconds = Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18
                    if case .timedOut = attempt {
                        self.logger.warning("smartctl timed out and was killed", metadata: ["disk": "\(name)", "timeout": "\(config.timeoutSeconds)"])
                    }
                    await self.engine.apply(SmartUpdate(disk: name, attempt: attempt, durationSeconds: seconds))
                }
            }
            for _ in 0..<max(1, config.concurrency) { startNext() }
            while await group.next() != nil { startNext() }
        }
    }
}
