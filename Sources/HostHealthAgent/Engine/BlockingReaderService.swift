internal import Logging
internal import NIOPosix
internal import ServiceLifecycle

/// Runs a reader's blocking loop (rtnetlink, udev, /dev/kmsg) on a pool thread of its own and
/// feeds each batch to the engine, in order. Graceful shutdown and cancellation both stop the
/// loop (its thread sees neither). When the loop fails (no socket), the engine is told, so the
/// domain reads as unknown rather than healthy, and the loop starts again after `retryAfter`;
/// a graceful shutdown ends that wait too (a reader that cannot open its device must not hold a
/// `systemctl stop` until systemd's SIGKILL).
final class BlockingReaderService<Update: Sendable>: Service {
    let name: String
    let threads: NIOThreadPool
    let logger: Logger
    /// Blocks until `stop`, handing each batch to its argument.
    let loop: @Sendable (@escaping @Sendable (Update) -> Void) throws -> Void
    let stop: @Sendable () -> Void
    let apply: @Sendable (Update) async -> Void
    let failed: @Sendable (String) async -> Void
    let retryAfter: Duration

    init(
        name: String, threads: NIOThreadPool, logger: Logger,
        loop: @escaping @Sendable (@escaping @Sendable (Update) -> Void) throws -> Void,
        stop: @escaping @Sendable () -> Void,
        apply: @escaping @Sendable (Update) async -> Void,
        failed: @escaping @Sendable (String) async -> Void,
        retryAfter: Duration = .seconds(5)
    ) {
        self.name = name
        self.threads = threads
        self.logger = logger
        self.loop = loop
        self.stop = stop
        self.apply = apply
        self.failed = failed
        self.retryAfter = retryAfter
    }

    func run() async throws {
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await readUntilStopped()
            } onGracefulShutdown: {
                self.stop()
            }
        } onCancel: {
            self.stop()
        }
    }

    private func readUntilStopped() async throws {
        let (updates, continuation) = AsyncStream.makeStream(of: Update.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await update in updates { await self.apply(update) }
            }
            group.addTask {
                defer { continuation.finish() }
                // The loop is started again only while the agent is not stopping: a graceful
                // shutdown that comes while it waits to retry has no loop to stop.
                while !Task.isCancelled && !Task.isShuttingDownGracefully {
                    do {
                        try await self.threads.runIfActive { [loop = self.loop] in
                            try loop { continuation.yield($0) }
                        }
                        return  // stopped
                    } catch {
                        self.logger.error("\(self.name) reader failed; retrying in \(self.retryAfter)", metadata: ["error": "\(error)"])
                        await self.failed("\(error)")
                        try? await cancelWhenGracefulShutdown { [retryAfter = self.retryAfter] in
                            try await Task.sleep(for: retryAfter)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
