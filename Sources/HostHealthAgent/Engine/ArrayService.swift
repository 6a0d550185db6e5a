internal import Logging
internal import MDReader
internal import NIOPosix
internal import ServiceLifecycle

/// Runs the md array watcher on a thread of its own (libudev stays on it for the watcher's
/// life) and feeds the engine.
final class ArrayService: Service {
    let watcher: MDArrayWatcher
    let engine: HealthEngine
    let logger: Logger

    init(watcher: MDArrayWatcher, engine: HealthEngine, logger: Logger) {
        self.watcher = watcher
        self.engine = engine
        self.logger = logger
    }

    func run() async throws {
        // Not the shared pool: the watcher blocks its thread for the agent's whole life.
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        defer { thread.shutdownGracefully { _ in } }
        let watcher = self.watcher
        let engine = self.engine
        try await ReaderLoop<ArrayUpdate>(
            name: "array", threads: thread, logger: logger,
            read: { deliver in try watcher.run(deliver) },
            stop: { watcher.stop() },
            apply: { await engine.apply($0) },
            failed: { await engine.arrayReaderFailed($0) }
        ).run()
    }
}
