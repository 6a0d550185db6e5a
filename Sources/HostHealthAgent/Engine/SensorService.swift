internal import Glibc
internal import Logging
internal import NIOPosix
internal import SensorReader
internal import ServiceLifecycle
internal import Synchronization
internal import Udev
internal import HostSystem
internal import HostHealthModel

/// Reads the hardware sensors on a thread of its own, every `sensors.interval`, and feeds the
/// engine: libsensors reads sysfs file by file and has global state, so it stays off the
/// request path and on one thread for its whole life. The thread also watches hwmon uevents:
/// when chips come or go (a driver loaded, a drive with a temperature sensor plugged in),
/// libsensors is set up afresh before the next read.
final class SensorService: Service {
    let engine: HealthEngine
    let configuration: SensorsConfiguration
    let logger: Logger
    private let interval: Mutex<Double>
    private let stopped = Atomic<Bool>(false)
    private let watcher = Mutex<UdevWatcher?>(nil)

    init(engine: HealthEngine, configuration: SensorsConfiguration = .system, intervalSeconds: Double, logger: Logger) {
        self.engine = engine
        self.configuration = configuration
        self.interval = Mutex(intervalSeconds)
        self.logger = logger
    }

    /// A reloaded configuration's interval, taken from the next read on.
    func setInterval(_ seconds: Double) {
        interval.withLock { $0 = seconds }
    }

    func run() async throws {
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        let (updates, continuation) = AsyncStream.makeStream(of: SensorUpdate.self)
        Libsensors.observeFatalError { message in
            continuation.yield(SensorUpdate(reading: nil, error: message, durationSeconds: 0, cause: "fatal"))
        }
        let reading = Task {
            defer { continuation.finish() }
            try? await thread.runIfActive { self.readUntilStopped { continuation.yield($0) } }
        }
        let stop: @Sendable () -> Void = {
            self.stop()
            // A thread parked by a libsensors fatal error never returns: do not wait for it.
            if Libsensors.fatalError != nil { continuation.finish() }
        }
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                for await update in updates {
                    await self.engine.apply(update)
                }
            } onGracefulShutdown: {
                stop()
            }
        } onCancel: {
            stop()
        }
        guard Libsensors.fatalError == nil else { return }
        await reading.value
        try? await thread.shutdownGracefully()
    }

    private func stop() {
        stopped.store(true, ordering: .releasing)
        watcher.withLock { $0 }?.stop()
    }

    /// The reading loop, on the service's own thread. If udev cannot be watched, the engine is
    /// told (sensor health fails closed as stale) and it tries again.
    private func readUntilStopped(_ deliver: (SensorUpdate) -> Void) {
        while !stopped.load(ordering: .acquiring) {
            let udev = UdevWatcher(matches: [UdevMatch(subsystem: "hwmon")])
            watcher.withLock { $0 = udev }
            if stopped.load(ordering: .acquiring) { return }
            do {
                try watch(udev, deliver)
                return
            } catch {
                logger.error("cannot watch hwmon devices; retrying in 5s", metadata: ["error": "\(error)"])
                deliver(SensorUpdate(reading: nil, error: "udev: \(error)", durationSeconds: 0, cause: "udev"))
                for _ in 0..<50 where !stopped.load(ordering: .acquiring) {
                    usleep(100_000)
                }
            }
        }
    }

    private func watch(_ udev: UdevWatcher, _ deliver: (SensorUpdate) -> Void) throws(HostHealthError) {
        let collector = SensorCollector(configuration: configuration)
        // A failure is logged when it starts or changes, not at every poll: a host where
        // libsensors cannot read stays unknown (its reason says why) without a line every few
        // seconds in the journal.
        var loggedError: String?
        try udev.run { wakeup in
            let update = switch wakeup {
            case .started:
                collector.collect(cause: "start")
            case .timeout:
                collector.collect(cause: "interval")
            case .events(let devices):
                // Chips came or went: libsensors only sees them after it is set up again.
                collector.collect(
                    cause: "hwmon", devicesChanged: devices.contains { $0.action == "add" || $0.action == "remove" },
                    events: devices.count)
            case .overflow:
                collector.collect(cause: "overflow", devicesChanged: true)
            }
            if update.error != loggedError {
                if let error = update.error {
                    logger.error("sensors not read", metadata: ["error": "\(error)"])
                } else {
                    logger.info("sensors read again", metadata: ["chips": "\(update.reading?.chips ?? 0)"])
                }
                loggedError = update.error
            }
            for problem in update.configurationProblems {
                logger.warning("sensors configuration line skipped", metadata: ["problem": "\(problem)"])
            }
            if update.reinitialised, update.cause != "start" {
                logger.info("hwmon devices changed; sensors set up afresh", metadata: ["chips": "\(update.reading?.chips ?? 0)"])
            }
            deliver(update)
            let seconds = interval.withLock { $0 }
            // A remove uevent can come before its device is gone from sysfs; look again soon.
            if case .events(let devices) = wakeup, devices.contains(where: { $0.action == "remove" && access($0.syspath, F_OK) == 0 }) {
                return min(seconds, 0.25)
            }
            return seconds
        }
    }
}
