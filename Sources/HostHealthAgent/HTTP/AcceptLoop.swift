internal import NIOCore
internal import ServiceLifecycle

/// Accepts connections on a bound listener until graceful shutdown, handling each in a task of
/// its own. Shutdown ends the loop by cancelling it: that is the normal end, not an error.
func acceptUntilShutdown<Connection: Sendable>(
    _ listener: NIOAsyncChannel<Connection, Never>,
    handle: @escaping @Sendable (Connection) async -> Void
) async throws {
    do {
        try await cancelWhenGracefulShutdown {
            try await withThrowingDiscardingTaskGroup { group in
                try await listener.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask { await handle(connection) }
                    }
                }
            }
        }
    } catch is CancellationError {
    }
}
