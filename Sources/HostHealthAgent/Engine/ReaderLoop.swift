internal import Logging
internal import NIOPosix
internal import ServiceLifecycle

/// The shape every event-driven reader service shares: a blocking reader loop on a pool
/// thread, its updates handed to the engine in order, graceful shutdown and cancellation
/// both stopping the loop (its thread sees neither), and a retry after 5 s when the reader
/// cannot run, with the engine told so that its domain reads as unknown, not healthy.
struct ReaderLoop<Update: Sendable>: Sendable {
    /// Shown in the log: `link`, `array`.
    let name: String
    let threads: NIOThreadPool
    let logger: Logger
    /// Blocks until stopped, handing updates to its argument.
    let read: @Sendable (_ deliver: @escaping @Sendable (Update) -> Void) throws -> Void
    let stop: @Sendable () -> Void
    let apply: @Sendable (Update) async -> Void
    let failed: @Sendable (String) async -> Void

    func run() async throws {
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await readUntilStopped()
            } onGracefulShutdown: {
                stop()
            }
        } onCancel: {
            stop()
        }
    }

    private func readUntilStopped() async throws {
        let (updates, continuation) = AsyncStream.makeStream(of: Update.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await update in updates {
                    await apply(update)
                }
            }
            group.addTask {
                defer { continuation.finish() }
                while !Task.isCancelled {
                    do {
                        try await threads.runIfActive { [read] in
                            try read { continuation.yield($0) }
                        }
                        return  // stopped
                    } catch {
                        logger.error("\(name) reader failed; retrying in 5s", metadata: ["error": "\(error)"])
                        await failed("\(error)")
                        try? await Task.sleep(for: .seconds(5))
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
