import Foundation
@testable import HostHealthAgent
import HostHealthModel
import HostHealthPolicy
import HostHealthConfig
import HostHealthExposition
import Logging
import NIOHTTP1
import NIOPosix
import Testing

@Suite struct TransitionJournalTests {
    let t0 = Timestamp(secondsSinceEpoch: 1_795_816_440)

    func transition(_ n: Int, to state: HealthState = .failed) -> Transition {
        Transition(component: ComponentID(kind: .link, key: "eth\(n)"), name: "eth\(n)", from: .ok, to: state, reason: "r\(n)", at: t0 + Double(n))
    }

    func record(_ n: Int) -> JournalRecord {
        JournalRecord(sequence: UInt64(n + 1), transition: transition(n))
    }

    func lines(_ numbers: Int...) -> [UInt8] {
        numbers.flatMap { record($0).line() }
    }

    func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "hosthealth-journal-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func appendedTransitionsAreReadBackInOrder() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = JournalFile(directory: directory)
        try file.append(lines(1, 2))
        try file.append(lines(3))
        let loaded = file.load(limit: 10)
        #expect(loaded.records == [record(1), record(2), record(3)])
        #expect(loaded.skipped.isEmpty)
    }

    /// A journal past the read limit (written by something else, or grown before rotation
    /// existed) was ignored whole, and numbering restarted at 1: duplicate sequence numbers.
    @Test func aFileTooLargeToReadWholeIsReadFromItsEndAndTheNumbersGoOn() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = JournalFile(directory: directory)
        let one = record(0).line().count
        let count = JournalFile.readLimit / one + 2_000
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count * (one + 8))
        for n in 0..<count { bytes += record(n).line() }
        #expect(bytes.count > JournalFile.readLimit)
        try Data(bytes).write(to: URL(fileURLWithPath: file.path))
        let loaded = file.load(limit: 10)
        #expect(loaded.records.map(\.sequence) == (count - 9...count).map(UInt64.init))
        #expect(loaded.truncated.map(\.file) == [file.path])
        #expect(loaded.skipped.isEmpty, "the cut first line is not counted as unreadable")
    }

    @Test func aTornLastRecordIsCutOffAndLaterAppendsStayReadable() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = JournalFile(directory: directory)
        try file.append(lines(1))
        // What kill -9 in the middle of a write leaves behind.
        let handle = try #require(FileHandle(forWritingAtPath: file.path))
        handle.seekToEndOfFile()
        handle.write(Data(record(2).line().prefix(20)))
        handle.closeFile()
        let loaded = file.load(limit: 10)
        #expect(loaded.records == [record(1)])
        #expect(loaded.skipped == [file.path: 1])
        #expect(file.load(limit: 10).skipped.isEmpty, "the torn record is cut off, not met again")
        try file.append(lines(3))
        #expect(file.load(limit: 10).records == [record(1), record(3)])
    }

    @Test func aTornRecordInTheRotatedFileIsCutOffToo() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = JournalFile(directory: directory)
        try Data(lines(1) + Array("{\"at\":17958".utf8)).write(to: URL(fileURLWithPath: file.previousPath))
        try file.append(lines(2))
        let loaded = file.load(limit: 10)
        #expect(loaded.records == [record(1), record(2)])
        #expect(loaded.skipped == [file.previousPath: 1])
        #expect(file.load(limit: 10).skipped.isEmpty)
    }

    @Test func aFileWithNoCompleteRecordIsEmptied() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = JournalFile(directory: directory)
        try "{\"at\":1795".write(toFile: file.path, atomically: false, encoding: .utf8)
        #expect(file.load(limit: 10).records.isEmpty)
        try file.append(lines(4))
        #expect(file.load(limit: 10).records == [record(4)])
    }

    @Test func aFullFileRotatesSoTheJournalStaysBounded() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var file = JournalFile(directory: directory)
        file.maxBytes = 600
        for n in 0..<40 { try file.append(lines(n)) }
        let current = try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int ?? 0
        let previous = try FileManager.default.attributesOfItem(atPath: file.previousPath)[.size] as? Int ?? 0
        #expect(current + previous <= 2 * 600 + 300)
        let loaded = file.load(limit: 100).records
        #expect(loaded.last == record(39))
        #expect(loaded.map(\.sequence) == Array(loaded.first!.sequence...40), "no gap, no reordering")
    }

    @Test func aFullDiskFailsTheWriteButKeepsTheRecordsInMemory() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Every write to /dev/full fails with ENOSPC, as on a full disk.
        try FileManager.default.createSymbolicLink(atPath: directory + "/journal.jsonl", withDestinationPath: "/dev/full")
        let threads = NIOThreadPool(numberOfThreads: 1)
        threads.start()
        let journal = TransitionJournal(directory: directory, threads: threads, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        #expect(await journal.open())
        await journal.record([transition(1)])
        await journal.record([transition(2)])
        #expect(await journal.writeErrors == 2)
        #expect(journal.events().map(\.transition) == [transition(1), transition(2)])
        let status = await journal.status
        #expect(status.failing && status.writeErrors == 2 && status.syncedSequence == nil)
        try await threads.shutdownGracefully()
    }

    @Test func eventsSinceFiltersByTime() async {
        let journal = TransitionJournal()
        await journal.record([transition(1), transition(5), transition(9)])
        #expect(journal.events(since: t0 + 5).map(\.transition.name) == ["eth5", "eth9"])
    }

    @Test func eventsEndpointAnswersWithTheDocumentAndRefusesABadSince() async throws {
        let journal = TransitionJournal()
        await journal.record([transition(1)])
        let routes = Routes(engine: makeEngine(AgentConfig(), clock: TestClock()), journal: journal)
        let response = await routes.respond(to: request("/events?since=2026-11-27T21%3A54%3A00Z"))
        #expect(response.status == .ok)
        let document = try JSONDecoder().decode(EventsDocument.self, from: Data(response.body))
        #expect(document.events.map(\.component) == ["link:eth1"])
        #expect(await routes.respond(to: request("/events?since=someday")).status == .badRequest)
        let unixSeconds = await routes.respond(to: request("/events?since=1795816442"))
        #expect(try JSONDecoder().decode(EventsDocument.self, from: Data(unixSeconds.body)).events.isEmpty)
    }
}

@Suite struct JournalRestartTests {
    let t0 = Timestamp(secondsSinceEpoch: 1_795_816_440)
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    func transition(_ n: Int, event: String? = nil) -> Transition {
        Transition(component: ComponentID(kind: .link, key: "eth\(n)"), name: "eth\(n)", from: .ok, to: .failed, reason: "r\(n)", at: t0 + Double(n), event: event)
    }

    @Test func aRestartReadsBackTheRecordsAndContinuesTheirNumbers() async throws {
        let directory = NSTemporaryDirectory() + "hosthealth-journal-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let threads = NIOThreadPool(numberOfThreads: 1)
        threads.start()
        let first = TransitionJournal(directory: directory, threads: threads, logger: logger)
        #expect(await first.open())
        await first.record([transition(1, event: "DegradedArray"), transition(2)])
        let second = TransitionJournal(directory: directory, threads: threads, logger: logger)
        #expect(await second.open())
        #expect(second.events().map(\.transition) == [transition(1, event: "DegradedArray"), transition(2)])
        #expect(await second.status.lastTransition == t0 + 2)
        await second.record([transition(3)])
        #expect(second.events().map(\.sequence) == [1, 2, 3])
        #expect(await second.status.syncedSequence == 3)
        try await threads.shutdownGracefully()
    }

    @Test func anUnreadableLineInTheMiddleIsSkippedAndTheRestRead() async throws {
        let directory = NSTemporaryDirectory() + "hosthealth-journal-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = JournalFile(directory: directory)
        try file.append(JournalRecord(sequence: 1, transition: transition(1)).line() + Array("\u{0}\u{0}garbage\n".utf8))
        try file.append(JournalRecord(sequence: 2, transition: transition(2)).line())
        let loaded = file.load(limit: 10)
        #expect(loaded.records.map(\.sequence) == [1, 2])
        #expect(loaded.skipped == [file.path: 1])
    }
}
