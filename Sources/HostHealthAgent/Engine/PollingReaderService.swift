internal import Logging
internal import NIOPosix
internal import ServiceLifecycle
internal import Synchronization
internal import HostHealthModel

/// Reads a sysfs tree every `interval` on a thread of its own and feeds the engine: for the
/// domains whose kernel sends no event for what changes (EDAC counters, thermal throttle
/// counts). Never on the scrape path; the first read is at start. A reload changes the
/// interval from the next read on.
final class PollingReaderService<Update: ReaderUpdate>: Service {
    let name: String
    let engine: HealthEngine
    let logger: Logger
    private let read: @Sendable () -> Update
    private let interval: Mutex<Double>

    init(name: String, engine: HealthEngine, intervalSeconds: Double, logger: Logger, read: @escaping @Sendable () -> Update) {
        self.name = name
        self.engine = engine
        self.logger = logger
        self.read = read
        interval = Mutex(intervalSeconds)
    }

    func setInterval(_ seconds: Double) {
        interval.withLock { $0 = seconds }
    }

    func run() async throws {
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        defer { thread.shutdownGracefully { _ in } }
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                if let update = try? await thread.runIfActive({ [read = self.read] in read() }) {
                    await self.engine.apply(update)
                }
                let seconds = self.interval.withLock { $0 }
                try await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
            }
        }
    }
}
