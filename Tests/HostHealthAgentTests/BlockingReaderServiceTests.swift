import Dispatch
@testable import HostHealthAgent
import Logging
import NIOPosix
import ServiceLifecycleTestKit
import Synchronization
import Testing

/// What a callback was called with, from any thread.
final class Calls<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])

    func record(_ value: Value) {
        values.withLock { $0.append(value) }
    }

    var all: [Value] {
        values.withLock { $0 }
    }
}

let quietLogger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

/// A reader loop that blocks its thread as the real ones do, until `stop()`.
final class BlockingLoop: Sendable {
    private let stopped = DispatchSemaphore(value: 0)
    let stops = Calls<Void>()

    func block() {
        stopped.wait()
    }

    func stop() {
        stops.record(())
        stopped.signal()
    }

    /// A service whose loop applies batch 1 and then blocks here until stopped; and the batches
    /// as they are applied.
    func service(threads: NIOThreadPool) -> (BlockingReaderService<Int>, applied: AsyncStream<Int>) {
        let (applied, batch) = AsyncStream.makeStream(of: Int.self)
        let service = BlockingReaderService<Int>(
            name: "test", threads: threads, logger: quietLogger,
            loop: { send in
                send(1)
                self.block()
            },
            stop: stop, apply: { batch.yield($0) }, failed: { _ in })
        return (service, applied)
    }
}

struct NoSocket: Error, CustomStringConvertible {
    var description: String { "no socket" }
}

/// Runs `body` with a pool thread of its own, as the agent gives each blocking reader.
func withReaderThread(_ body: (NIOThreadPool) async throws -> Void) async throws {
    let threads = NIOThreadPool(numberOfThreads: 1)
    threads.start()
    do {
        try await body(threads)
    } catch {
        try await threads.shutdownGracefully()
        throw error
    }
    try await threads.shutdownGracefully()
}

@Suite("BlockingReaderService: a reader's blocking loop as a service", .timeLimit(.minutes(1)))
struct BlockingReaderServiceTests {
    @Test func aLoopThatReturnsEndsTheServiceWithEveryBatchApplied() async throws {
        try await withReaderThread { threads in
            let applied = Calls<Int>()
            let service = BlockingReaderService<Int>(
                name: "test", threads: threads, logger: quietLogger,
                loop: { send in
                    send(1)
                    send(2)
                },
                stop: {}, apply: { applied.record($0) }, failed: { _ in })
            try await service.run()
            #expect(applied.all == [1, 2])
        }
    }

    @Test func gracefulShutdownStopsTheLoopAndEndsTheService() async throws {
        try await withReaderThread { threads in
            let loop = BlockingLoop()
            let (service, applied) = loop.service(threads: threads)
            try await testGracefulShutdown { trigger in
                let run = Task { try await service.run() }
                // The first batch is applied: the loop runs on its thread.
                var batches = applied.makeAsyncIterator()
                #expect(await batches.next() == 1)
                #expect(loop.stops.all.isEmpty)
                trigger.triggerGracefulShutdown()
                try await run.value
            }
            #expect(loop.stops.all.count == 1)
        }
    }

    @Test func cancellationStopsTheLoopToo() async throws {
        try await withReaderThread { threads in
            let loop = BlockingLoop()
            let (service, applied) = loop.service(threads: threads)
            let run = Task { try await service.run() }
            var batches = applied.makeAsyncIterator()
            #expect(await batches.next() == 1)
            run.cancel()
            _ = try? await run.value
            #expect(!loop.stops.all.isEmpty)
        }
    }

    /// The agent under systemd without /dev/kmsg: every `systemctl stop` waited out the kmsg
    /// reader's 30 s retry and ended in SIGKILL.
    @Test func gracefulShutdownEndsTheWaitToRetryAFailedLoop() async throws {
        try await withReaderThread { threads in
            let attempts = Calls<Void>()
            let (failures, failure) = AsyncStream.makeStream(of: String.self)
            let service = BlockingReaderService<Int>(
                name: "test", threads: threads, logger: quietLogger,
                loop: { _ in
                    attempts.record(())
                    throw NoSocket()
                },
                stop: {}, apply: { _ in }, failed: { failure.yield($0) },
                retryAfter: .seconds(3600))
            try await testGracefulShutdown { trigger in
                let run = Task { try await service.run() }
                var reported = failures.makeAsyncIterator()
                #expect(await reported.next() == "no socket")
                trigger.triggerGracefulShutdown()
                try await run.value
            }
            #expect(attempts.all.count == 1)
        }
    }

    @Test func aFailingLoopReportsFailedAndIsStartedAgain() async throws {
        try await withReaderThread { threads in
            let attempts = Calls<Void>()
            let applied = Calls<Int>()
            let failures = Calls<String>()
            let service = BlockingReaderService<Int>(
                name: "test", threads: threads, logger: quietLogger,
                loop: { send in
                    attempts.record(())
                    if attempts.all.count == 1 { throw NoSocket() }
                    send(7)
                },
                stop: {}, apply: { applied.record($0) }, failed: { failures.record($0) },
                retryAfter: .zero)
            try await service.run()
            #expect(failures.all == ["no socket"])
            #expect(attempts.all.count == 2)
            #expect(applied.all == [7])
        }
    }
}
