import Foundation
@testable import HostHealthAgent
import HostHealthCore
import Logging
import NIOHTTP1
import NIOPosix
import Testing

@Suite struct TransitionJournalTests {
    let t0 = Timestamp(secondsSinceEpoch: 1_795_816_440)

    func transition(_ n: Int, to state: HealthState = .failed) -> Transition {
        Transition(component: ComponentID(kind: .link, key: "eth\(n)"), name: "eth\(n)", from: .ok, to: state, reason: "r\(n)", at: t0 + Double(n))
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
        try file.append(JournalLine.encode(transition(1)) + JournalLine.encode(transition(2)))
        try file.append(JournalLine.encode(transition(3)))
        let loaded = file.load(limit: 10)
        #expect(loaded.transitions == [transition(1), transition(2), transition(3)])
        #expect(loaded.skipped.isEmpty)
    }

    @Test func aTornLastRecordIsCutOffAndLaterAppendsStayReadable() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = JournalFile(directory: directory)
        try file.append(JournalLine.encode(transition(1)))
        // What kill -9 in the middle of a write leaves behind.
        let handle = try #require(FileHandle(forWritingAtPath: file.path))
        handle.seekToEndOfFile()
        handle.write(Data(JournalLine.encode(transition(2)).utf8.prefix(20)))
        handle.closeFile()
        let loaded = file.load(limit: 10)
        #expect(loaded.transitions == [transition(1)])
        #expect(loaded.skipped == [file.path: 1])
        #expect(file.load(limit: 10).skipped.isEmpty, "the torn record is cut off, not met again")
        try file.append(JournalLine.encode(transition(3)))
        #expect(file.load(limit: 10).transitions == [transition(1), transition(3)])
    }

    @Test func aTornRecordInTheRotatedFileIsCutOffToo() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = JournalFile(directory: directory)
        try (JournalLine.encode(transition(1)) + "v1\t17958").write(toFile: file.previousPath, atomically: false, encoding: .utf8)
        try file.append(JournalLine.encode(transition(2)))
        let loaded = file.load(limit: 10)
        #expect(loaded.transitions == [transition(1), transition(2)])
        #expect(loaded.skipped == [file.previousPath: 1])
        #expect(file.load(limit: 10).skipped.isEmpty)
    }

    @Test func aFileWithNoCompleteRecordIsEmptied() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = JournalFile(directory: directory)
        try "v1\t1795".write(toFile: file.path, atomically: false, encoding: .utf8)
        #expect(file.load(limit: 10).transitions.isEmpty)
        try file.append(JournalLine.encode(transition(4)))
        #expect(file.load(limit: 10).transitions == [transition(4)])
    }

    @Test func aFullFileRotatesSoTheJournalStaysBounded() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var file = JournalFile(directory: directory)
        file.maxBytes = 300
        for n in 0..<40 { try file.append(JournalLine.encode(transition(n))) }
        let current = try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int ?? 0
        let previous = try FileManager.default.attributesOfItem(atPath: file.previousPath)[.size] as? Int ?? 0
        #expect(current + previous <= 2 * 300 + 200)
        let loaded = file.load(limit: 100).transitions
        #expect(loaded.last == transition(39))
        #expect(loaded == loaded.sorted { $0.at < $1.at })
    }

    @Test func aFullDiskFailsTheWriteButKeepsTheRecordsInMemory() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Every write to /dev/full fails with ENOSPC, as on a full disk.
        try FileManager.default.createSymbolicLink(atPath: directory + "/journal.tsv", withDestinationPath: "/dev/full")
        let threads = NIOThreadPool(numberOfThreads: 1)
        threads.start()
        let journal = TransitionJournal(directory: directory, threads: threads, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        #expect(await journal.open())
        await journal.record([transition(1)])
        await journal.record([transition(2)])
        #expect(await journal.writeErrors == 2)
        #expect(await journal.events() == [transition(1), transition(2)])
        try await threads.shutdownGracefully()
    }

    @Test func eventsSinceFiltersByTime() async {
        let journal = TransitionJournal()
        await journal.record([transition(1), transition(5), transition(9)])
        #expect(await journal.events(since: t0 + 5).map(\.name) == ["eth5", "eth9"])
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
