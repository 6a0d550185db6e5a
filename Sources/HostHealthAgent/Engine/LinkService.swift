internal import HostHealthCore
internal import LinkReader
internal import Logging
internal import NIOPosix
internal import ServiceLifecycle

/// Runs the link reader's event loop on a thread of its own and feeds the engine. If the
/// reader cannot start (no netlink socket), the engine is told, so links read as unknown
/// rather than as healthy, and it retries.
final class LinkService: Service {
    let collector: LinkCollector
    let engine: HealthEngine
    let threads: NIOThreadPool
    let logger: Logger

    init(collector: LinkCollector, engine: HealthEngine, threads: NIOThreadPool, logger: Logger) {
        self.collector = collector
        self.engine = engine
        self.threads = threads
        self.logger = logger
    }

    func run() async throws {
        // The reader's thread sees neither graceful shutdown nor Swift cancellation by itself.
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await readUntilStopped()
            } onGracefulShutdown: {
                self.collector.stop()
            }
        } onCancel: {
            self.collector.stop()
        }
    }

    private func readUntilStopped() async throws {
        let (updates, continuation) = AsyncStream.makeStream(of: LinkUpdate.self)
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
                        try await self.threads.runIfActive { [collector = self.collector] in
                            try collector.runEventLoop { continuation.yield($0) }
                        }
                        return  // stopped
                    } catch {
                        self.logger.error("link reader failed; retrying in 5s", metadata: ["error": "\(error)"])
                        await self.engine.linkReaderFailed("\(error)")
                        try? await Task.sleep(for: .seconds(5))
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
