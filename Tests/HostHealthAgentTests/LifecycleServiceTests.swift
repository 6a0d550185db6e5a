import Foundation
@testable import HostHealthAgent
import HostHealthExposition
import HostHealthModel
import HostHealthPolicy
import HostHealthConfig
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycleTestKit
import Testing
import UnixSignals

/// An engine that waits for no reader: its first verdict may stand at once.
private func engineWithoutReaders(_ config: AgentConfig = AgentConfig(), clock: TestClock) -> HealthEngine {
    HealthEngine(
        config: config, agent: AgentInfo(version: "test"), collectors: [], logger: quietLogger,
        clock: { clock.now }, wallClock: { clock.now })
}

private func temporaryConfig(_ text: String) throws -> String {
    let path = NSTemporaryDirectory() + "hosthealth-reload-\(UUID().uuidString).yaml"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

@Suite("HeartbeatService: READY, watchdog pings and STOPPING, told to a stand-in systemd", .timeLimit(.minutes(1)))
struct HeartbeatServiceTests {
    let clock = TestClock()

    @Test func readyIsToldWhenTheFirstVerdictStandsAndStoppingAtShutdown() async throws {
        let systemd = try NotifySocket()
        let engine = makeEngine(AgentConfig(), clock: clock)
        await engine.apply(dump([link("eth0", index: 2)]))
        let service = HeartbeatService(engine: engine, notifier: systemd.notifier(), logger: quietLogger)
        try await testGracefulShutdown { trigger in
            let run = Task { try await service.run() }
            #expect(await systemd.next() == "READY=1\nSTATUS=serving")
            trigger.triggerGracefulShutdown()
            try await run.value
        }
        #expect(await systemd.next() == "STOPPING=1")
    }

    @Test func eachWatchdogPingFollowsATickOfTheEngine() async throws {
        let systemd = try NotifySocket()
        let engine = engineWithoutReaders(clock: clock)
        // WATCHDOG_USEC 100 ms: a ping every 50 ms.
        let service = HeartbeatService(engine: engine, notifier: systemd.notifier(watchdogMicroseconds: 100_000), logger: quietLogger)
        clock.advance(3)
        #expect(await engine.lastEvaluation != clock.now)
        try await testGracefulShutdown { trigger in
            let run = Task { try await service.run() }
            #expect(await systemd.next() == "READY=1\nSTATUS=serving")
            // The clock stands still from here: a ping means the engine has looked at its time.
            #expect(await systemd.skip(until: "WATCHDOG=1"))
            #expect(await engine.lastEvaluation == clock.now)
            trigger.triggerGracefulShutdown()
            try await run.value
        }
        #expect(await systemd.skip(until: "STOPPING=1"))
    }
}

@Suite("ReloadService: a reload request re-reads the configuration", .timeLimit(.minutes(1)))
struct ReloadServiceTests {
    let clock = TestClock()

    /// What one reload did: the engine after it, the configurations handed to the readers and
    /// how often the other files were re-read.
    struct Reloaded {
        var engine: HealthEngine
        var handed: [AgentConfig]
        var otherReloads: Int
    }

    /// Runs the service on a configuration file holding `text`, asks it to reload once, waits
    /// until it tells systemd it is ready again, then shuts it down.
    func reload(file text: String) async throws -> Reloaded {
        let path = try temporaryConfig(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let systemd = try NotifySocket()
        let engine = engineWithoutReaders(clock: clock)
        let handed = Calls<AgentConfig>()
        let others = Calls<Void>()
        let (requests, request) = AsyncStream.makeStream(of: UnixSignal.self)
        let service = ReloadService(
            loader: ConfigLoader(path: path), engine: engine, notifier: systemd.notifier(), logger: quietLogger,
            onReload: { handed.record($0) }, reloadOthers: { others.record(()) }, requests: { requests })
        try await testGracefulShutdown { trigger in
            let run = Task { try await service.run() }
            request.yield(.sighup)
            #expect(await systemd.next() == "RELOADING=1")
            #expect(await systemd.next() == "READY=1")
            trigger.triggerGracefulShutdown()
            try await run.value
        }
        return Reloaded(engine: engine, handed: handed.all, otherReloads: others.all.count)
    }

    @Test func aReloadRequestAppliesTheFileAndTellsTheReaders() async throws {
        let reloaded = try await reload(file: "links:\n  resync_interval: 2m\n")
        #expect(await reloaded.engine.config.links.resyncIntervalSeconds == 120)
        #expect(reloaded.handed.map(\.links.resyncIntervalSeconds) == [120])
        #expect(reloaded.otherReloads == 1)
    }

    @Test func aBrokenFileKeepsTheRunningConfigurationButStillReloadsTheOtherFiles() async throws {
        let reloaded = try await reload(file: "links:\n  resync_interval: soon\n")
        #expect(await reloaded.engine.config == AgentConfig())
        #expect(reloaded.handed.isEmpty)
        #expect(reloaded.otherReloads == 1)
    }

    @Test func gracefulShutdownEndsTheServiceWhileItWaitsForARequest() async throws {
        let engine = engineWithoutReaders(clock: clock)
        let (requests, _) = AsyncStream.makeStream(of: UnixSignal.self)
        let service = ReloadService(
            loader: ConfigLoader(path: "/nonexistent/hosthealth.yaml"), engine: engine, notifier: SystemdNotifier(environment: { _ in nil }),
            logger: quietLogger, onReload: { _ in }, requests: { requests })
        try await testGracefulShutdown { trigger in
            let run = Task { try await service.run() }
            trigger.triggerGracefulShutdown()
            try await run.value
        }
    }
}

@Suite("JournalService: transitions journalled in order, also during shutdown", .timeLimit(.minutes(1)))
struct JournalServiceTests {
    let clock = TestClock()

    /// A batch as the agent makes one: numbered and in the journal's memory before it queues.
    func batch(_ name: String, to state: HealthState, in journal: TransitionJournal) -> JournalService.Batch {
        JournalService.Batch(
            records: journal.remember([Transition(component: nil, name: name, from: .ok, to: state, reason: "test", at: clock.now)]),
            host: HostHealth(state: state, capacity: 1, since: clock.now, reasons: []))
    }

    /// A journal in a fresh state directory, on a thread of its own.
    func diskJournal(queue: TransitionQueue? = nil) async throws -> (TransitionJournal, NIOThreadPool, String) {
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        let directory = NSTemporaryDirectory() + "hosthealth-queue-\(UUID().uuidString)"
        let journal = TransitionJournal(directory: directory, threads: thread, queue: queue, logger: quietLogger)
        #expect(await journal.open())
        return (journal, thread, directory)
    }

    func onDisk(_ directory: String) -> [String] {
        JournalFile(directory: directory).load(limit: 100).records.map(\.transition.name)
    }

    @Test func transitionsQueuedBeforeShutdownAreWrittenBeforeTheServiceEnds() async throws {
        let queue = TransitionQueue()
        let (journal, thread, directory) = try await diskJournal(queue: queue)
        defer { thread.shutdownGracefully { _ in }; try? FileManager.default.removeItem(atPath: directory) }
        let service = JournalService(journal: journal, hooks: nil, queue: queue)
        try await testGracefulShutdown { trigger in
            let run = Task { try await service.run() }
            queue.submit(batch("eth0", to: .failed, in: journal))
            queue.submit(batch("eth1", to: .degraded, in: journal))
            trigger.triggerGracefulShutdown()
            try await run.value
        }
        #expect(onDisk(directory) == ["eth0", "eth1"])
        #expect(await journal.status.syncedSequence == 2)
    }

    @Test func shutdownFinishesTheStreamSoNothingLaterIsTaken() async throws {
        let queue = TransitionQueue()
        let (journal, thread, directory) = try await diskJournal(queue: queue)
        defer { thread.shutdownGracefully { _ in }; try? FileManager.default.removeItem(atPath: directory) }
        let service = JournalService(journal: journal, hooks: nil, queue: queue)
        try await testGracefulShutdown { trigger in
            let run = Task { try await service.run() }
            trigger.triggerGracefulShutdown()
            try await run.value
        }
        // The queue is finished: a transition after the end is not written.
        queue.submit(batch("eth0", to: .failed, in: journal))
        #expect(onDisk(directory).isEmpty)
        #expect(queue.dropped == 0)
    }

    /// A journal that takes nothing (its thread stuck, as in a hung fdatasync): `/events` shows
    /// every transition at once all the same; what waits for the disk is bounded, the oldest is
    /// dropped and counted, and the newest reach the disk once it takes again.
    @Test func whileTheDiskTakesNothingEventsShowEverythingAndTheOldestWaitingAreDropped() async throws {
        let queue = TransitionQueue(limit: 3)
        let (journal, thread, directory) = try await diskJournal(queue: queue)
        defer { thread.shutdownGracefully { _ in }; try? FileManager.default.removeItem(atPath: directory) }
        let stuck = DispatchSemaphore(value: 0)
        let blocked = thread.runIfActive(eventLoop: MultiThreadedEventLoopGroup.singleton.next()) { stuck.wait() }
        let service = JournalService(journal: journal, hooks: nil, queue: queue)
        let run = Task { try await service.run() }
        // The first is taken and waits on the thread; three wait in the queue; the rest push
        // the oldest of those out.
        queue.submit(batch("first", to: .failed, in: journal))
        while queue.waiting > 0 { await Task.yield() }
        #expect(queue.submit(batch("a", to: .ok, in: journal)) == nil)
        #expect(queue.submit(batch("b", to: .ok, in: journal)) == nil)
        #expect(queue.submit(batch("c", to: .ok, in: journal)) == nil)
        #expect(queue.submit(batch("d", to: .ok, in: journal)) == 1, "the first drop is reported")
        #expect(queue.submit(batch("e", to: .ok, in: journal)) == nil, "then once per thousand")
        #expect(queue.dropped == 2)
        #expect(await journal.status.droppedWaiting == 2)
        #expect(journal.events().map(\.transition.name) == ["first", "a", "b", "c", "d", "e"], "the disk is not needed to see them")
        #expect(await journal.status.syncedSequence == nil)
        stuck.signal()
        try await blocked.get()
        while await journal.status.syncedSequence != 6 { await Task.yield() }
        #expect(onDisk(directory) == ["first", "c", "d", "e"])
        queue.finish()
        try await run.value
    }

    /// The state disk never answers: the stop waits `stopWithin`, then ends without the write,
    /// rather than until systemd's SIGKILL.
    @Test func aStopWaitsForAHungDiskOnlyUntilItsLimit() async throws {
        let queue = TransitionQueue()
        let (journal, thread, directory) = try await diskJournal(queue: queue)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let stuck = DispatchSemaphore(value: 0)
        let blocked = thread.runIfActive(eventLoop: MultiThreadedEventLoopGroup.singleton.next()) { stuck.wait() }
        let service = JournalService(journal: journal, hooks: nil, queue: queue, stopWithin: .milliseconds(300))
        try await testGracefulShutdown { trigger in
            let run = Task { try await service.run() }
            queue.submit(batch("eth0", to: .failed, in: journal))
            while queue.waiting > 0 { await Task.yield() }
            trigger.triggerGracefulShutdown()
            try await run.value
        }
        #expect(await journal.status.syncedSequence == nil, "the write is still waiting for the disk")
        #expect(journal.events().map(\.transition.name) == ["eth0"])
        stuck.signal()
        try await blocked.get()
        while await journal.status.syncedSequence != 1 { await Task.yield() }
        try await thread.shutdownGracefully()
    }
}
