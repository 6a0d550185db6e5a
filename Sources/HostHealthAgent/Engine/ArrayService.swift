internal import HostHealthCore
internal import Logging
internal import MDReader
internal import NIOPosix
internal import ServiceLifecycle

/// Runs the md array watcher on a thread of its own (libudev stays on it) and feeds the
/// engine. If udev cannot be watched, the engine is told, so arrays read as unknown rather
/// than as healthy, and it retries.
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
        // A thread of its own: the watcher blocks on it for the agent's whole life.
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        defer { thread.shutdownGracefully { _ in } }
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await readUntilStopped(on: thread)
            } onGracefulShutdown: {
                self.watcher.stop()
            }
        } onCancel: {
            self.watcher.stop()
        }
    }

    private func readUntilStopped(on thread: NIOThreadPool) async throws {
        let (updates, continuation) = AsyncStream.makeStream(of: ArrayUpdate.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await update in updates {
                    await self.engine.apply(update)
                }
            }
            group.addTask {
                defer { continuation.finish() }
                while !Task.isCancelled {
                    do {
                        try await thread.runIfActive { [watcher = self.watcher] in
                            try watcher.run { continuation.yield($0) }
                        }
                        return  // stopped
                    } catch {
                        self.logger.error("array reader failed; retrying in 5s", metadata: ["error": "\(error)"])
                        await self.engine.arrayReaderFailed("\(error)")
                        try? await Task.sleep(for: .seconds(5))
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
