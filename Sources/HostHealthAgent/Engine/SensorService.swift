internal import CHostHealthShims
internal import Glibc
internal import HostHealthCore
internal import Logging
internal import NIOPosix
internal import SensorReader
internal import ServiceLifecycle
internal import Synchronization

/// Reads the hardware sensors on a thread of its own, every `sensors.interval`, and feeds the
/// engine: libsensors is slow-ish (one sysfs read per value) and has global state, so it stays
/// off the request path and on one thread for its whole life. When hwmon devices come or go
/// (a driver loaded, a disk with a temperature sensor plugged in), libsensors is set up afresh.
final class SensorService: Service {
    let engine: HealthEngine
    let configuration: SensorsConfiguration
    let logger: Logger
    private let interval: Mutex<Double>
    private let stopped = Atomic<Bool>(false)
    private let wakeDescriptor = hh_eventfd_create()

    init(engine: HealthEngine, configuration: SensorsConfiguration = .system, intervalSeconds: Double, logger: Logger) {
        self.engine = engine
        self.configuration = configuration
        self.interval = Mutex(intervalSeconds)
        self.logger = logger
    }

    deinit {
        if wakeDescriptor >= 0 { close(wakeDescriptor) }
    }

    /// A reloaded configuration's interval, taken at the next wait.
    func setInterval(_ seconds: Double) {
        interval.withLock { $0 = seconds }
        _ = hh_eventfd_signal(wakeDescriptor)
    }

    func run() async throws {
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        let (updates, continuation) = AsyncStream.makeStream(of: SensorUpdate.self)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await update in updates {
                    await self.engine.apply(update)
                }
            }
            group.addTask {
                defer { continuation.finish() }
                await withTaskCancellationHandler {
                    await withGracefulShutdownHandler {
                        try? await thread.runIfActive { self.readUntilStopped { continuation.yield($0) } }
                    } onGracefulShutdown: {
                        self.stop()
                    }
                } onCancel: {
                    self.stop()
                }
            }
        }
        try? await thread.shutdownGracefully()
    }

    private func stop() {
        stopped.store(true, ordering: .relaxed)
        _ = hh_eventfd_signal(wakeDescriptor)
    }

    /// The reading loop, on the service's own thread: a read at start, then one per interval,
    /// with libsensors set up afresh when the hwmon devices differ from the last read's.
    private func readUntilStopped(_ deliver: (SensorUpdate) -> Void) {
        let collector = SensorCollector(configuration: configuration)
        var devices = HwmonDevices.list()
        var update = collector.collect(cause: "start")
        while true {
            if let error = update.error {
                logger.error("sensors not read", metadata: ["error": "\(error)"])
            }
            for problem in update.configurationProblems {
                logger.warning("sensors configuration line skipped", metadata: ["problem": "\(problem)"])
            }
            deliver(update)
            let seconds = interval.withLock { $0 }
            let woken = hh_wait_readable(-1, wakeDescriptor, Int32(min(seconds * 1000, Double(Int32.max))))
            if stopped.load(ordering: .relaxed) { return }
            if woken == 2 { hh_eventfd_drain(wakeDescriptor) }
            let now = HwmonDevices.list()
            let changed = now != devices
            devices = now
            if changed {
                logger.info("hwmon devices changed; reading the sensors afresh", metadata: ["chips": "\(now.count)"])
            }
            update = collector.collect(cause: changed ? "hwmon" : "interval", devicesChanged: changed)
        }
    }
}

/// The hwmon class devices present, each with the device path its link points at: a cheap
/// way to notice that chips came or went, even when a new one reuses a freed hwmon number.
enum HwmonDevices {
    static func list() -> Set<String> {
        guard let directory = opendir("/sys/class/hwmon") else { return [] }
        defer { closedir(directory) }
        var devices = Set<String>()
        var target = [CChar](repeating: 0, count: Int(PATH_MAX))
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard !name.hasPrefix(".") else { continue }
            let length = readlink("/sys/class/hwmon/" + name, &target, target.count - 1)
            let link = length > 0 ? String(decoding: target[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
            devices.insert(name + " " + link)
        }
        return devices
    }
}
